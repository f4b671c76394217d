import type { Argv } from 'yargs';
import type { Io } from './io.js';
import { engineOptions } from './options.js';
import type { Declare } from './usage-context.js';
import { intakeOptions } from './intake-options.js';
import { storesOption } from './undo-options.js';

/**
 * `trustpatch image ...`: flag declarations only (docs/development.md, code shape rule 5). Each handler lazy-loads
 * its CLI module, which calls src/commands/image-*.ts and renders the result.
 */
export function imageCommands(
  y: Argv,
  io: Io,
  setExit: (code: number) => void,
  signal: AbortSignal | undefined,
  declare: Declare,
): Argv {
  return y
    .command(
      'add <certificate> <image>',
      'write a new image that trusts the CA: a temporary container of IMAGE, patched like a running one, committed with IMAGE’s configuration',
      declare('image add', 'add <certificate> <image>', (a) =>
        engineOptions(storesOption(intakeOptions(a)), 'one')
          .positional('certificate', {
            type: 'string',
            demandOption: true,
            describe:
              'certificate file (PEM, DER, PKCS#7 or PKCS#12; several CAs in one file are all added), or - for standard input',
          })
          .positional('image', {
            type: 'string',
            demandOption: true,
            describe: 'the image to start from (name or id); it is never changed',
          })
          .option('tag', {
            alias: 't',
            type: 'string',
            describe: 'name of the new image [default: IMAGE’s tag plus -trustpatch, e.g. debian:bookworm-trustpatch]',
          })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'let --tag name an image that exists (IMAGE’s own tag included): the name moves to the new image',
          })
          .option('name', {
            type: 'string',
            describe: 'file name for the certificate in the image [default: CN plus a short fingerprint]',
          })
          .option('install', {
            choices: ['auto', 'never', 'always'] as const,
            default: 'auto' as const,
            describe: 'install the trust store package: auto = only when the update command is missing',
          })
          .option('network', {
            type: 'string',
            describe:
              'network of the temporary container: host to reach a --check-url on this machine [default: the engine’s default]',
          })
          .option('check-url', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe:
              'HTTPS URL checked from inside the temporary container before the commit; a failed check writes no image (repeatable)',
          })
          .option('proxy', { type: 'string', describe: 'send the check through this proxy' })
          .option('timeout', { type: 'number', default: 300, describe: 'seconds allowed for the patch' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' }),
      ),
      async (args) => {
        const { imageAddCli } = await import('../commands/image/add-cli.js');
        setExit(await imageAddCli(args, io, signal));
      },
    )
    .command(
      'status <image>',
      'which trustpatch CAs an image carries (its record, read without running it); exit 1 when none or one is missing',
      declare('image status', 'status <image>', (a) =>
        engineOptions(a, 'one')
          .positional('image', { type: 'string', demandOption: true, describe: 'image name or id' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' }),
      ),
      async (args) => {
        const { imageStatusCli } = await import('../commands/image/status-cli.js');
        setExit(await imageStatusCli(args, io));
      },
    )
    .demandCommand(1, 'name a command');
}
