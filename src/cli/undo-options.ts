import type { Argv } from 'yargs';

/** The flags of fleet commands that run no HTTPS check (remove, status): concurrency, time, output. */
export function fleetOptions<T>(y: Argv<T>) {
  return y
    .option('concurrency', { alias: 'j', type: 'number', default: 8, describe: 'containers handled at once (1-64)' })
    .option('timeout', { type: 'number', default: 300, describe: 'seconds allowed per container' })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print one JSON document on stdout (progress and warnings go to stderr)',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' });
}

/** `--stores`: which trust stores to patch, look at or clean. */
export function storesOption<T>(y: Argv<T>) {
  return y.option('stores', {
    type: 'string',
    array: true,
    default: [] as string[],
    defaultDescription: 'system plus every application store found',
    describe: 'trust stores: system, certifi, java, comma-separated or repeated',
  });
}
