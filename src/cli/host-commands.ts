import { REMOVE_TARGET, removeOptions } from './undo-options.js';
import type { Argv } from 'yargs';
import type { Io } from './io.js';
import type { Declare } from './usage-context.js';
import { UNTESTED } from './help-texts.js';
import { certificatePositional, intakeOptions } from './intake-options.js';

/**
 * `trustpatch host ...`: flag declarations only (docs/development.md, code shape rule 5). `argv` is the command line
 * as given, printed behind sudo when root is needed.
 */
export function hostCommands(
  y: Argv,
  io: Io,
  setExit: (code: number) => void,
  argv: readonly string[],
  declare: Declare,
): Argv {
  const shared = <T>(a: Argv<T>) =>
    a
      .option('root', {
        type: 'string',
        describe:
          'an offline root filesystem (unpacked image, chroot, mounted disk) instead of this machine: files are written under DIR, the update command runs through `chroot DIR`',
      })
      .option('timeout', { type: 'number', default: 300, describe: 'seconds allowed in all' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' });
  return y
    .usage(
      `$0 host <add|remove|status> ...\n\nThe trust store of the machine trustpatch runs on (Linux: the same families, steps, record and undo as in containers; needs root). ${UNTESTED}`,
    )
    .command(
      'add <certificate>',
      'trust a CA on this machine (or on --root DIR)',
      declare('host add', 'add <certificate>', (a) =>
        certificatePositional(shared(intakeOptions(a)))
          .option('name', {
            type: 'string',
            describe: 'file name for the certificate in the anchor directory [default: CN plus a short fingerprint]',
          })
          .option('check-url', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'HTTPS URL checked with the tree’s own client before and after (repeatable)',
          })
          .option('proxy', { type: 'string', describe: 'send the check through this proxy' })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'print the family, files and commands it would use; change nothing',
          }),
      ),
      async (args) => {
        const { hostAddCli } = await import('../commands/host/cli.js');
        setExit(await hostAddCli(args, io, argv));
      },
    )
    .command(
      'remove <certificate>',
      'take out exactly what host add put in (by file, fingerprint or name)',
      declare('host remove', 'remove <certificate>', (a) =>
        removeOptions(
          shared(a).positional('certificate', {
            type: 'string',
            demandOption: true,
            describe: REMOVE_TARGET,
          }),
        ),
      ),
      async (args) => {
        const { hostRemoveCli } = await import('../commands/host/cli.js');
        setExit(await hostRemoveCli(args, io, argv));
      },
    )
    .command(
      'status [certificate]',
      'which trustpatch certificates this machine (or --root DIR) holds; with a certificate, whether it trusts that one',
      declare('host status', 'status [certificate]', (a) =>
        shared(intakeOptions(a)).positional('certificate', {
          type: 'string',
          describe: 'a certificate file: say whether the tree trusts it, whoever put it there',
        }),
      ),
      async (args) => {
        const { hostStatusCli } = await import('../commands/host/cli.js');
        setExit(await hostStatusCli(args, io));
      },
    )
    .demandCommand(1, 'name a command');
}
