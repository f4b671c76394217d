import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { reportError } from './report-error.js';
import type { Io } from './io.js';
import { defaultIo } from './io.js';
import { registryCommands } from './registry-commands.js';

/**
 * Declares the commands and their flags, and nothing else: each handler lazy-loads the module
 * that does the work (STYLE.md, rule 5). Returns the exit status; only bin/ exits the process.
 */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  try {
    await parser(argv, io, setExit).parseAsync();
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function parser(argv: readonly string[], io: Io, setExit: (code: number) => void): Argv {
  return yargs([...argv])
    .scriptName('trustpatch')
    .usage('$0 <command> [options]\n\nPut a CA certificate into the trust stores of running containers, and prove it worked.')
    .command(
      'add <certificate> [containers..]',
      'install a CA certificate into running containers',
      (y) =>
        y
          .positional('certificate', { type: 'string', demandOption: true, describe: 'certificate file (PEM or DER), or - for standard input' })
          .positional('containers', { type: 'string', array: true, default: [] as string[], describe: 'container names or ids' })
          .option('name', { type: 'string', describe: 'file name for the certificate in the container (default: CN plus a short fingerprint)' })
          .option('check-url', { type: 'string', array: true, default: [] as string[], describe: 'HTTPS URL to check from inside each container, before and after (repeatable)' })
          .option('install', { choices: ['auto', 'never', 'always'] as const, default: 'auto' as const, describe: 'install the trust store package: auto = only when the update command is missing' })
          .option('timeout', { type: 'number', default: 300, describe: 'seconds allowed for each command run inside a container' })
          .option('concurrency', { type: 'number', default: 8, describe: 'containers patched at once' })
          .option('proxy', { type: 'string', describe: 'send the check through this proxy (otherwise the container’s own HTTPS_PROXY applies)' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress, only the result lines' }),
      async (args) => {
        const { addCli } = await import('./add-cli.js');
        setExit(await addCli(args, io));
      },
    )
    .command('registry', 'make a Docker engine trust a private registry (certs.d): add, lint, client-cert', (y) => registryCommands(y, io, setExit))
    .option('host', { alias: 'H', type: 'string', global: true, describe: 'engine address, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375 (default: DOCKER_HOST)' })
    .demandCommand(1, 'name a command; see `trustpatch --help`.')
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, io.columns))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
}

