import type { Argv } from 'yargs';
import { certificatePositional, intakeOptions } from './intake-options.js';
import type { Io } from './io.js';
import { engineOptions, runOptions, selectorOptions } from './options.js';
import type { Declare } from './usage-context.js';
import { fleetOptions, REMOVE_TARGET, removeOptions, storesOption } from './undo-options.js';
import { Interrupts } from './interrupts.js';

/**
 * The top-level commands' declarations, one function each: flags and a handler that lazy-loads
 * the command's own folder (docs/development.md, code shape rule 5). src/cli/main.ts chains them;
 * registry, host and image declare their subcommands in their own files.
 */

/** What a handler needs from main: where to write, where the exit status goes, how Ctrl-C arrives. */
export interface Wiring {
  io: Io;
  setExit: (code: number) => void;
  signal: AbortSignal | undefined;
  interrupts: Interrupts | undefined;
  declare: Declare;
}

/** `trustpatch add`: its flags, and the handler that lazy-loads commands/add (or its session form). */
export function addCommand(y: Argv, { io, setExit, signal, interrupts, declare }: Wiring): Argv {
  return y.command(
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
        .option('replicate', {
          type: 'boolean',
          default: true,
          describe:
            'in a fleet of one image, run the update command in one container and write its output into the others whose trust-store inputs are byte-identical, each verified (--no-replicate: run it in every container)',
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
  );
}

/** `trustpatch check`. */
export function checkCommand(y: Argv, { io, setExit, signal, declare }: Wiring): Argv {
  return y.command(
    'check [containers..]',
    'only run the HTTPS check inside containers (changes nothing)',
    declare('check', 'check [containers..]', (y) =>
      engineOptions(runOptions(selectorOptions(y, 'checked')), 'several'),
    ),
    async (args) => {
      const { checkCli } = await import('../commands/check/cli.js');
      setExit(await checkCli(args, io, signal));
    },
  );
}

/** `trustpatch remove`. */
export function removeCommand(y: Argv, { io, setExit, signal, declare }: Wiring): Argv {
  return y.command(
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
  );
}

/** `trustpatch status`. */
export function statusCommand(y: Argv, { io, setExit, signal, declare }: Wiring): Argv {
  return y.command(
    'status [containers..]',
    'which trustpatch certificates are in which store, and which processes need a restart',
    declare('status', 'status [containers..]', (y) =>
      engineOptions(storesOption(fleetOptions(selectorOptions(y, 'read'))), 'several'),
    ),
    async (args) => {
      const { statusCli } = await import('../commands/status/cli.js');
      setExit(await statusCli(args, io, signal));
    },
  );
}

/** `trustpatch dockerfile`. */
export function dockerfileCommand(y: Argv, { io, setExit, declare }: Wiring): Argv {
  return y.command(
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
          describe: 'the distribution family instead of a container: debian, alpine, rhel, suse, arch, photon, generic',
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
  );
}

/** `trustpatch inspect`. */
export function inspectCommand(y: Argv, { io, setExit, declare }: Wiring): Argv {
  return y.command(
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
  );
}

/** `trustpatch fetch-ca`. */
export function fetchCaCommand(y: Argv, { io, setExit, declare }: Wiring): Argv {
  return y.command(
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
  );
}

/** In the order `trustpatch --help` lists them. */
export const TOP_COMMANDS = [
  addCommand,
  checkCommand,
  removeCommand,
  statusCommand,
  dockerfileCommand,
  inspectCommand,
  fetchCaCommand,
] as const;
