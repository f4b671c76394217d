import yargs, { type Argv } from 'yargs';
import { VERSION } from '../version.js';
import { certificatePositional, intakeOptions } from './intake-options.js';
import { defaultIo, writeLine, type Io } from './io.js';
import { engineOptions, runOptions, selectorOptions } from './options.js';
import { reportError } from './report-error.js';
import { usageContext, type UsageContext } from './usage-context.js';
import { usageError } from './usage-error.js';
import { registryCommands } from './registry-commands.js';
import { hostCommands } from './host-commands.js';
import { imageCommands } from './image-commands.js';
import { fleetOptions, REMOVE_TARGET, removeOptions, storesOption } from './undo-options.js';
import { Interrupts } from './interrupts.js';

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
  return (
    yargs([...argv])
      .scriptName('trustpatch')
      .usage(
        '$0 <command> [options]\n\nPut a CA certificate into the trust stores of running containers, and prove it worked.',
      )
      .command(
        'add <certificate> [containers..]',
        'install a CA certificate into running containers',
        declare('add', 'add <certificate> [containers..]', (y) =>
          // The certificate first: yargs lists positionals in the order they are declared.
          engineOptions(
            storesOption(intakeOptions(runOptions(selectorOptions(certificatePositional(y), 'changed')))),
            'several',
          )
            .option('name', {
              type: 'string',
              describe: 'file name for the certificate in the container',
              defaultDescription: 'CN plus a short fingerprint',
            })
            .option('install', {
              choices: ['auto', 'never', 'always'] as const,
              default: 'auto' as const,
              describe: 'install the trust store package: auto = only when the update command is missing',
            })
            .option('dry-run', {
              type: 'boolean',
              default: false,
              describe:
                'detect and print, per container, the family, files, commands and check it would use; change nothing',
            })
            .option('restart', {
              type: 'boolean',
              default: false,
              describe:
                'restart each patched container, so running processes (Node.js, Go, Java) read the new trust; changes survive a restart, not a recreate',
            })
            .option('through-mounts', {
              type: 'boolean',
              default: false,
              describe:
                'also patch trust stores on writable bind mounts and named volumes: changes the host directory or the volume, for every container mounting it (refused by default)',
            })
            .option('for', {
              type: 'string',
              describe:
                'temporary trust for DURATION (90s, 10m, 1h30m): stay in the foreground, then remove exactly what was added (Ctrl-C or SIGTERM ends it sooner)',
            })
            .option('until-interrupt', {
              type: 'boolean',
              default: false,
              describe: 'temporary trust until Ctrl-C or SIGTERM, then remove exactly what was added',
            })
            .option('watch', {
              type: 'boolean',
              default: false,
              describe:
                'then keep patching each matching container that starts, until --for ends or Ctrl-C (with --for / --until-interrupt those are reverted too)',
            }),
        ),
        async (args) => {
          if (args.for !== undefined || args.untilInterrupt || args.watch) {
            const { addSessionCli } = await import('../commands/add/session-cli.js');
            return setExit(await addSessionCli(args, io, interrupts ?? new Interrupts(signal)));
          }
          const { addCli } = await import('../commands/add/cli.js');
          setExit(await addCli(args, io, signal));
        },
      )
      .command(
        'check [containers..]',
        'only run the HTTPS check inside containers (changes nothing)',
        declare('check', 'check [containers..]', (y) =>
          engineOptions(runOptions(selectorOptions(y, 'checked')), 'several'),
        ),
        async (args) => {
          const { checkCli } = await import('../commands/check/cli.js');
          setExit(await checkCli(args, io, signal));
        },
      )
      .command(
        'remove [certificate] [containers..]',
        'take out exactly what add put in (by certificate file, fingerprint or name; or --expired)',
        declare('remove', 'remove [certificate] [containers..]', (y) =>
          removeOptions(
            engineOptions(
              fleetOptions(
                selectorOptions(
                  y.positional('certificate', {
                    type: 'string',
                    describe: `${REMOVE_TARGET}; with --expired, omit it`,
                  }),
                  'changed',
                ),
              ),
              'several',
            ).option('expired', {
              type: 'boolean',
              default: false,
              describe:
                'take out the temporary trust (add --for, --until-interrupt) whose time is up or whose session died; the positionals are then all containers',
            }),
          ),
        ),
        async (args) => {
          const { removeCli } = await import('../commands/remove/cli.js');
          setExit(await removeCli(args, io, signal));
        },
      )
      .command(
        'status [containers..]',
        'which trustpatch certificates are in which store, and which processes need a restart',
        declare('status', 'status [containers..]', (y) =>
          engineOptions(storesOption(fleetOptions(selectorOptions(y, 'read'))), 'several'),
        ),
        async (args) => {
          const { statusCli } = await import('../commands/status/cli.js');
          setExit(await statusCli(args, io, signal));
        },
      )
      .command(
        'dockerfile <certificate> [container]',
        'print the Dockerfile lines that make the change permanent (runtime patches are lost on recreate)',
        declare('dockerfile', 'dockerfile <certificate> [container]', (y) =>
          certificatePositional(engineOptions(storesOption(intakeOptions(y)), 'one'))
            .positional('container', {
              type: 'string',
              describe: 'a running container whose family and stores are detected',
            })
            .option('family', {
              type: 'string',
              describe:
                'the distribution family instead of a container: debian, alpine, rhel, suse, arch, photon, generic',
            })
            .option('name', { type: 'string', describe: 'file name of the certificate, as given to add' })
            .option('write-certs', {
              type: 'string',
              describe: 'also write each certificate as NAME.crt (PEM) into this directory, for the COPY lines',
            }),
        ),
        async (args) => {
          const { dockerfileCli } = await import('../commands/dockerfile/cli.js');
          setExit(await dockerfileCli(args, io));
        },
      )
      .command(
        'inspect <certificate>',
        'show what add would install from a certificate file, and what is wrong with it',
        declare('inspect', 'inspect <certificate>', (y) =>
          certificatePositional(intakeOptions(y))
            .option('name', {
              type: 'string',
              describe: 'the --name you would give add, to see the file names it gives',
            })
            .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
        ),
        async (args) => {
          const { inspectCli } = await import('../commands/inspect/cli.js');
          setExit(await inspectCli(args, io));
        },
      )
      .command(
        'fetch-ca <url>',
        'read the CA that an intercepting proxy presents for an https URL, and save it (it is not trusted)',
        declare('fetch-ca', 'fetch-ca <url>', (y) =>
          y
            .positional('url', {
              type: 'string',
              demandOption: true,
              describe: 'an https:// URL that the proxy intercepts',
            })
            .option('proxy', {
              type: 'string',
              describe: 'HTTP proxy to tunnel through with CONNECT',
              defaultDescription: 'HTTPS_PROXY, minus NO_PROXY',
            })
            .option('output', {
              alias: 'o',
              type: 'string',
              describe: 'write the CA here as PEM',
              defaultDescription: 'standard output',
            })
            .option('force', { type: 'boolean', default: false, describe: 'replace the -o file if it exists' })
            .option('timeout', { type: 'number', default: 30, describe: 'seconds allowed for the connection' }),
        ),
        async (args) => {
          const { fetchCaCli } = await import('../commands/fetch-ca/cli.js');
          setExit(await fetchCaCli(args, io));
        },
      )
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
