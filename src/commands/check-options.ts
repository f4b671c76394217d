import { UserError } from '../errors.js';
import { nearest } from '../util/nearest.js';
import { MAX_CONCURRENCY } from './fleet-limits.js';
import type { Selector } from '../select/selector.js';

/** What an option must be; a trailing `!` marks a required one. */
type Kind =
  | 'any'
  | 'string'
  | 'target'
  | 'number'
  | 'boolean'
  | 'function'
  | 'array'
  | 'object'
  | 'date'
  | 'selector'
  | 'timeout'
  | 'concurrency'
  | 'strings';
export type OptionSpec = Record<string, Kind | `${Kind}!`>;

/** The options every command that talks to engines takes (EngineOptions). */
export const ENGINE_SPEC: OptionSpec = {
  clients: 'array',
  client: 'object',
  hosts: 'strings',
  contexts: 'strings',
  env: 'object',
};

const LONGEST_TIMER_MS = 2 ** 31 - 1;
const SELECTOR_KEYS = ['names', 'labels', 'filters', 'composeProject', 'service', 'all'];

/**
 * A library caller's options, checked the way the CLI checks flags: an unknown or misspelt
 * option, a missing one or one of the wrong type is a UserError naming it (and the nearest
 * option), never a TypeError from deep inside. Returns the options with the selector's
 * omitted lists filled in (`{ names: ['web'] }` is a whole selector).
 */
export function checkOptions<T>(fn: string, options: T, spec: OptionSpec): T {
  if (options === null || typeof options !== 'object')
    throw new UserError(
      `${fn}: give an options object (${Object.keys(spec)
        .filter((k) => spec[k]!.endsWith('!'))
        .join(', ')} required).`,
    );
  const record = options as Record<string, unknown>;
  const keys = Object.keys(spec);
  for (const key of Object.keys(record)) {
    if (keys.includes(key) || record[key] === undefined) continue;
    const guess = nearest(key, keys);
    throw new UserError(
      `${fn}: unknown option "${key}"${guess ? `; did you mean "${guess}"?` : ''} (it takes ${keys.join(', ')}).`,
    );
  }
  for (const [key, declared] of Object.entries(spec)) {
    const kind = declared.replace(/!$/, '') as Kind;
    const value = record[key];
    if (value === undefined) {
      if (declared.endsWith('!')) throw new UserError(`${fn}: option "${key}" is missing (${describe(kind)}).`);
      continue;
    }
    const problem = problemWith(kind, value);
    if (problem !== undefined) throw new UserError(`${fn}: option "${key}" ${problem}.`);
  }
  return (
    record.selector === undefined
      ? options
      : { ...record, selector: fullSelector(record.selector as Partial<Selector>) }
  ) as T;
}

function problemWith(kind: Kind, value: unknown): string | undefined {
  const type = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
  switch (kind) {
    case 'any':
      return undefined;
    case 'target':
      // remove's certificate: what the user typed, or a target trustpatch resolved itself (--expired, a session's end).
      return typeof value === 'string' || (typeof value === 'object' && value !== null && 'kind' in value)
        ? undefined
        : `must be a string (a certificate file, a fingerprint or a name), not ${type}`;
    case 'array':
      return Array.isArray(value) ? undefined : `must be an array, not ${type}`;
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : `must be an array of strings, not ${type}`;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? undefined
        : `must be an object, not ${type}`;
    case 'date':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : `must be a valid Date`;
    case 'timeout':
      return typeof value === 'number' && value > 0 && value <= LONGEST_TIMER_MS
        ? undefined
        : `must be a number of milliseconds above 0 and at most ${LONGEST_TIMER_MS} (the longest timer Node.js keeps), not ${JSON.stringify(value)}`;
    case 'concurrency':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_CONCURRENCY
        ? undefined
        : `must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${JSON.stringify(value)}`;
    case 'selector':
      return selectorProblem(value);
    default:
      return typeof value === kind ? undefined : `must be ${describe(kind)}, not ${type}`;
  }
}

function selectorProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be a selector object, e.g. { names: ["web"] } or { all: true }';
  for (const [key, field] of Object.entries(value)) {
    if (!SELECTOR_KEYS.includes(key))
      return `has an unknown field "${key}"${nearest(key, SELECTOR_KEYS) ? `; did you mean "${nearest(key, SELECTOR_KEYS)}"?` : ''} (a selector takes ${SELECTOR_KEYS.join(', ')})`;
    if (field === undefined) continue;
    if (
      ['names', 'labels', 'filters'].includes(key) &&
      !(Array.isArray(field) && field.every((v) => typeof v === 'string'))
    )
      return `field "${key}" must be an array of strings`;
    if (key === 'all' && typeof field !== 'boolean') return 'field "all" must be a boolean';
    if ((key === 'composeProject' || key === 'service') && typeof field !== 'string')
      return `field "${key}" must be a string`;
  }
  return undefined;
}

function fullSelector(selector: Partial<Selector>): Selector {
  return {
    ...selector,
    names: selector.names ?? [],
    labels: selector.labels ?? [],
    filters: selector.filters ?? [],
    all: selector.all ?? false,
  };
}

function describe(kind: Kind): string {
  const words: Record<Kind, string> = {
    any: 'any value',
    string: 'a string',
    target: 'a string: a certificate file, a fingerprint or a name',
    number: 'a number',
    boolean: 'a boolean',
    function: 'a function',
    array: 'an array',
    strings: 'an array of strings',
    object: 'an object',
    date: 'a Date',
    selector: 'a selector such as { names: ["web"] }',
    timeout: 'milliseconds',
    concurrency: `a whole number from 1 to ${MAX_CONCURRENCY}`,
  };
  return words[kind];
}
