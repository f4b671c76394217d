import { UsageError } from '../errors.js';
import { nearest } from '../util/nearest.js';

/** What the parser knew when it failed: the command being parsed and its flags. */
export interface UsageContext {
  /** The command as typed (`add`, `registry client-cert`), once its builder ran. */
  command?: string;
  /** Its yargs declaration (`add <certificate> [containers..]`). */
  declaration?: string;
  /** Its long flag names and single-letter aliases. */
  flags: string[];
  /** The commands that can be named at this level. */
  commands: string[];
}

/** What a missing positional is, for "add needs ...". */
const POSITIONALS: Record<string, string> = {
  certificate: 'a certificate file (PEM, DER, PKCS#7 or PKCS#12, or - for standard input)',
  url: 'an https:// URL',
  registry: 'a registry host[:port], as written in image names',
};

/** Flags of the check, which remove and status do not run (they reread the stores instead). */
const CHECK_FLAGS = new Set(['check', 'check-url', 'proxy']);

/**
 * Turns a parser failure (yargs' English message) into a sentence that names the input as
 * typed, suggests the nearest flag or command, and points at the command's own help; yargs'
 * own text is never shown (its camelCase twins, "non-option arguments").
 */
export function usageError(message: string, context: UsageContext, argv: readonly string[]): UsageError {
  const fail = (text: string) => new UsageError(text, context.command);
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) return fail(unknownArguments(unknown[1]!.split(', '), context, argv));
  const missing = /^Not enough non-option arguments: got (\d+), need at least \d+$/.exec(message);
  if (missing) {
    const wanted = [...(context.declaration ?? '').matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
    const name = wanted[Number(missing[1])] ?? wanted[0] ?? 'an argument';
    return fail(
      `${context.command ?? 'this command'} needs ${POSITIONALS[name] ?? name}. Usage: trustpatch ${usageLine(context)}`,
    );
  }
  const required = /^Missing required arguments?: (.+)$/.exec(message);
  if (required)
    return fail(
      `${context.command} needs ${required[1]!
        .split(', ')
        .map((f) => `--${f}`)
        .join(', ')}`,
    );
  const choices = /^Invalid values:\s+Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message);
  if (choices) return fail(`--${choices[1]} ${choices[2]}: give one of ${choices[3]!.replaceAll('"', '')}`);
  const value = /^Not enough arguments following: (.+)$/.exec(message);
  if (value) return fail(`--${value[1]} needs a value`);
  if (/^Too many non-option arguments/.test(message))
    return fail(`too many arguments for ${context.command}. Usage: trustpatch ${usageLine(context)}`);
  if (message === 'name a command') return fail(`name a command: ${context.commands.join(', ')}`);
  return fail(message);
}

function usageLine(context: UsageContext): string {
  const declaration = context.declaration ?? '';
  const words = declaration
    .split(' ')
    .slice(1)
    .map((w) =>
      w
        .replace(/^<(.+)>$/, '$1')
        .replace(/^\[(.+)\.\.\]$/, '[$1...]')
        .toUpperCase(),
    );
  return [context.command, ...words].join(' ');
}

/** yargs names `--chek-url` as "chek-url, chekUrl" and `--no-check` as "check": find what was typed. */
function unknownArguments(names: readonly string[], context: UsageContext, argv: readonly string[]): string {
  const typed = [...new Set(names.map((name) => typedToken(name, argv)))].filter(
    (token, _, all) => !all.some((other) => other !== token && isCamelTwin(token, other)),
  );
  const flags = typed.filter((token) => token.startsWith('-'));
  const words = typed.filter((token) => !token.startsWith('-'));
  if (words.length > 0 && (context.command === undefined || context.commands.length > 0)) {
    const word = words[0]!;
    const guess = nearest(word, context.commands);
    return `${word} is not a ${context.command === undefined ? '' : `${context.command} `}command; ${guess ? `did you mean ${guess}?` : `the commands are ${context.commands.join(', ')}`}`;
  }
  if (flags.length === 0)
    return `unexpected argument${words.length > 1 ? 's' : ''} ${words.join(' ')}. Usage: trustpatch ${usageLine(context)}`;
  return flags.map((flag) => unknownFlag(flag, context)).join('; ');
}

function unknownFlag(token: string, context: UsageContext): string {
  const name = token.replace(/^--?/, '').replace(/=.*$/, '');
  const base = name.replace(/^no-/, '');
  if ((context.command === 'remove' || context.command === 'status') && CHECK_FLAGS.has(base)) {
    return `${context.command} has no ${token}: it runs no HTTPS check (it rereads the trust stores instead), so there is nothing to ${base === 'check' && name.startsWith('no-') ? 'turn off' : 'check'}; leave ${token} out`;
  }
  const longFlags = context.flags.filter((f) => f.length > 1);
  const negated = name.startsWith('no-') ? nearest(base, longFlags) : undefined;
  const guess = negated === undefined ? nearest(name, longFlags) : `no-${negated}`;
  return `${context.command ?? 'trustpatch'} has no ${token} flag${guess ? `; did you mean --${guess}?` : ''}`;
}

/** The argv token the user typed for a name yargs reports: a flag if one matches, else the word. */
function typedToken(name: string, argv: readonly string[]): string {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const words = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  for (const token of words) {
    const flag = /^--?([^=]+)/.exec(token)?.[1];
    if (flag === undefined) continue;
    if ([name, kebab, `no-${name}`, `no-${kebab}`].includes(flag)) return token.replace(/=.*$/, '');
    // A letter of a short-flag cluster (-xq).
    if (!token.startsWith('--') && name.length === 1 && flag.includes(name)) return `-${name}`;
  }
  if (words.includes(name)) return name;
  return name.length === 1 ? `-${name}` : `--${kebab}`;
}

function isCamelTwin(a: string, b: string): boolean {
  return (
    a.replace(/^--?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === b.replace(/^--?/, '') ||
    b.replace(/^--?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === a.replace(/^--?/, '')
  );
}
