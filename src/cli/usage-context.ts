import type { Argv } from 'yargs';
import { helpEpilog, HELP_TEXTS } from './help-texts.js';
import type { UsageContext } from './usage-error.js';

export type { UsageContext } from './usage-error.js';

/** Wraps a command's builder so that a usage error knows the command and its flags. */
export type Declare = <T, U>(
  command: string,
  declaration: string,
  builder: (y: Argv<T>) => Argv<U>,
  subcommands?: readonly string[],
) => (y: Argv<T>) => Argv<U>;

/**
 * yargs runs only the builder of the command being parsed: what the last builder saw is the
 * command a usage error belongs to. The builder also ends the command's help with its examples
 * and exit codes (help-texts.ts).
 */
export function usageContext(context: UsageContext): Declare {
  return (command, declaration, builder, subcommands) => (y) => {
    context.command = command;
    context.declaration = declaration;
    context.commands = [...(subcommands ?? [])];
    const help = HELP_TEXTS[command];
    let built = builder(y);
    if (help !== undefined) built = built.epilog(helpEpilog(help));
    // getOptions() is public in yargs (docs/api.md) but missing from @types/yargs.
    const options = (
      built as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }
    ).getOptions();
    context.flags = [...Object.keys(options.key), ...Object.values(options.alias).flat()];
    return built;
  };
}
