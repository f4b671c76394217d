import yargs, { type Argv } from 'yargs';
import { VERSION } from '../version.js';
import { defaultIo, writeLine, type Io } from './io.js';
import { reportError } from './report-error.js';
import { usageContext, type UsageContext } from './usage-context.js';
import { usageError } from './usage-error.js';
import { registryCommands } from './registry-commands.js';
import { hostCommands } from './host-commands.js';
import { imageCommands } from './image-commands.js';
import { TOP_COMMANDS, type Wiring } from './top-commands.js';
import type { Interrupts } from './interrupts.js';

/**
 * Declares the commands and their flags, and nothing else: each handler lazy-loads the module
 * that does the work (docs/development.md, code shape rule 5). Returns the exit status; only bin/ exits the process.
 * Aborting `signal` (Ctrl-C) starts no new container; those in flight finish or roll back.
 */
export async function main(
  argv: readonly string[],
  io: Io = defaultIo(),
  signal?: AbortSignal,
  interrupts?: Interrupts,
): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  try {
    // A parse callback makes yargs hand over --help and --version text instead of calling
    // console.log: it goes to io.stdout like every other output.
    let printed = '';
    await parser(argv, io, signal, setExit, interrupts).parseAsync([...argv], {}, (_error, _args, output) => {
      printed = output;
    });
    if (printed !== '') writeLine(io.stdout, printed);
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

const COMMANDS = ['add', 'check', 'remove', 'status', 'dockerfile', 'inspect', 'fetch-ca', 'registry', 'host', 'image'];

function parser(
  argv: readonly string[],
  io: Io,
  signal: AbortSignal | undefined,
  setExit: (code: number) => void,
  interrupts: Interrupts | undefined,
): Argv {
  const context: UsageContext = { flags: [], commands: COMMANDS };
  const declare = usageContext(context);
  const wiring: Wiring = { io, setExit, signal, interrupts, declare };
  const top = yargs([...argv])
    .scriptName('trustpatch')
    .usage(
      '$0 <command> [options]\n\nPut a CA certificate into the trust stores of running containers, and prove it worked.',
    );
  return (
    TOP_COMMANDS.reduce((y, declareCommand) => declareCommand(y, wiring), top)
      .command(
        'registry',
        'make a Docker engine trust a private registry (certs.d): add, lint, client-cert',
        declare('registry', 'registry <command>', (y) => registryCommands(y, io, setExit, declare), [
          'add',
          'lint',
          'client-cert',
        ]),
      )
      .command(
        'host',
        "this machine's own trust store, or an offline root filesystem (--root DIR): add, remove, status",
        declare('host', 'host <command>', (y) => hostCommands(y, io, setExit, argv, declare), [
          'add',
          'remove',
          'status',
        ]),
      )
      .command(
        'image',
        'write a new image that trusts a CA, or say which CAs an image carries: add, status',
        declare('image', 'image <command>', (y) => imageCommands(y, io, setExit, signal, declare), ['add', 'status']),
      )
      // yargs turns a lone `-` positional into '' (yargs/yargs-parser#381): give it back its meaning, standard input.
      .middleware((args) => {
        if (args.certificate === '' && argv.includes('-')) args.certificate = '-';
      })
      .epilog(
        'Run `trustpatch COMMAND --help` for its flags, examples and exit codes.\n\nExit codes: 0 done; 1 a container (or check) failed; 2 bad input or usage; 3 an engine did not answer; 70 internal error (please report it); 130 interrupted.',
      )
      .demandCommand(1, 'name a command')
      .strict()
      .help()
      .version(VERSION)
      .wrap(Math.min(110, io.columns))
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? usageError(message, context, argv);
      })
  );
}
