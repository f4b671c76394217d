import type { Argv } from 'yargs';
import type { Selector } from '../select/selector.js';
import { UserError } from '../errors.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../commands/fleet-limits.js';

/** The flags `add`, `check` (and later `remove`, `status`) share to pick containers. */
export function selectorOptions<T>(y: Argv<T>, allAre: 'changed' | 'checked' | 'read') {
  return y
    .positional('containers', {
      type: 'string',
      array: true,
      default: [] as string[],
      defaultDescription: 'none',
      describe: 'container names or ids',
    })
    .option('label', {
      alias: 'l',
      type: 'string',
      array: true,
      default: [] as string[],
      defaultDescription: 'none',
      describe: 'only containers with this label, KEY or KEY=VALUE (repeatable; all must match)',
    })
    .option('filter', {
      alias: 'f',
      type: 'string',
      array: true,
      default: [] as string[],
      defaultDescription: 'none',
      describe: 'any `docker ps --filter` KEY=VALUE (repeatable)',
    })
    .option('compose-project', { type: 'string', describe: 'only containers of this Compose project' })
    .option('service', { type: 'string', describe: 'only containers of this Compose service' })
    .option('all', {
      alias: 'a',
      type: 'boolean',
      default: false,
      describe: `every container of the engine (only running ones are ${allAre}; stopped ones are listed as skipped)`,
    });
}

/**
 * The engine flags, only on commands that talk to an engine. `several`: a fleet command runs on
 * every engine given; `one`: the command reads one container (dockerfile, registry add).
 * Not `array: true`: that would swallow the positionals after it. yargs collects repeats.
 */
export function engineOptions<T>(y: Argv<T>, engines: 'several' | 'one') {
  const repeat = engines === 'several' ? '; repeat it to work on several engines in one run' : '';
  return y
    .option('host', {
      alias: 'H',
      type: 'string',
      defaultDescription: 'DOCKER_HOST, else the current Docker context',
      describe: `engine address: unix:///PATH, tcp://HOST:PORT or ssh://USER@HOST${repeat}`,
    })
    .option('context', {
      alias: 'c',
      type: 'string',
      defaultDescription: 'DOCKER_CONTEXT, else the current context',
      describe: `Docker context name (see \`docker context ls\`)${engines === 'several' ? '; repeatable, and combines with --host' : ''}`,
    });
}

/** The run-time flags of a fleet command: checks, concurrency, time, output. */
export function runOptions<T>(y: Argv<T>) {
  return y
    .option('check-url', {
      type: 'string',
      array: true,
      default: [] as string[],
      defaultDescription: '$TRUSTPATCH_CHECK_URL (comma-separated), else none',
      describe: 'HTTPS URL checked from inside each container, before and after (repeatable)',
    })
    .option('check', { type: 'boolean', default: true, describe: 'run the HTTPS check (--no-check: skip it)' })
    .option('proxy', {
      type: 'string',
      defaultDescription: 'the container’s own HTTPS_PROXY / NO_PROXY',
      describe: 'send the check through this proxy',
    })
    .option('concurrency', {
      alias: 'j',
      type: 'number',
      default: DEFAULT_CONCURRENCY,
      describe: `containers handled at once (1-${MAX_CONCURRENCY})`,
    })
    .option('timeout', {
      type: 'number',
      default: 300,
      describe: 'seconds allowed per container, after which it is rolled back',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print one JSON document on stdout (progress and warnings go to stderr)',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' });
}

/** Where a default for --check-url comes from: an environment variable, comma-separated. */
export const CHECK_URL_ENV = 'TRUSTPATCH_CHECK_URL';

export interface SelectorArgs {
  containers: string[];
  label: string[];
  filter: string[];
  composeProject?: string;
  service?: string;
  all: boolean;
}

/** The flags every fleet command takes: how many at once, how long, how to report, which engines. */
export interface FleetArgs {
  concurrency: number;
  timeout: number;
  json: boolean;
  quiet: boolean;
  /** A string when given once, an array when repeated (yargs collects duplicates). */
  host?: string | string[];
  context?: string | string[];
}

export interface RunArgs extends FleetArgs {
  checkUrl: string[];
  check: boolean;
  proxy?: string;
}

/** Every value of a flag that may be given once or several times. */
export function allOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The engine flags as runAdd / runCheckCommand take them. */
export function engineChoice(
  args: Pick<FleetArgs, 'host' | 'context'>,
  env: NodeJS.ProcessEnv,
): { hosts: string[]; contexts: string[]; env: NodeJS.ProcessEnv } {
  return { hosts: allOf(args.host), contexts: allOf(args.context), env };
}

/**
 * What the flags of add, check, remove and status settle alike, as their run functions take it
 * (commands/fleet.ts): the selection, concurrency and timeout (both checked), the engines.
 */
export function fleetChoice(args: SelectorArgs & FleetArgs, env: NodeJS.ProcessEnv) {
  const settings = runSettings({ ...args, check: false, checkUrl: [] }, env);
  return {
    selector: selectorFrom(args),
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
    ...engineChoice(args, env),
  };
}

export function selectorFrom(args: SelectorArgs): Selector {
  return {
    names: args.containers,
    labels: args.label,
    filters: args.filter,
    composeProject: args.composeProject,
    service: args.service,
    all: args.all,
  };
}

/** Validated run settings: the URLs to check, concurrency and timeout within bounds. */
export function runSettings(
  args: RunArgs,
  env: NodeJS.ProcessEnv,
): { checkUrls: string[]; concurrency: number; timeoutMs: number } {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > MAX_CONCURRENCY)
    throw new UserError(`--concurrency ${args.concurrency}: give a whole number from 1 to ${MAX_CONCURRENCY}.`);
  const timeoutMs = timeoutMsOf(args.timeout);
  const fromEnv = (env[CHECK_URL_ENV] ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const urls = args.check ? (args.checkUrl.length > 0 ? args.checkUrl : fromEnv) : [];
  if (!args.check && args.checkUrl.length > 0)
    throw new UserError('--no-check and --check-url contradict each other; give one.');
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'https:') throw new UserError(`--check-url ${JSON.stringify(url)}: give an https:// URL.`);
  }
  return { checkUrls: urls, concurrency: args.concurrency, timeoutMs };
}

/** The longest timer Node keeps: 2^31-1 ms; a longer one fires after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** `--timeout` in milliseconds, refused outside 0 < seconds <= MAX_TIMEOUT_SECONDS. */
export function timeoutMsOf(seconds: number): number {
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS))
    throw new UserError(
      `--timeout ${Number.isNaN(seconds) ? '(not a number)' : seconds}: give a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (24.8 days, the longest timer Node.js keeps).`,
    );
  return Math.round(seconds * 1000);
}
