import type { Argv } from 'yargs';
import { DEFAULT_PASSWORD_ENV } from '../cert/password.js';

/** What remove and host remove take out: how their <certificate> positional names it. */
export const REMOVE_TARGET =
  'certificate file, SHA-256 fingerprint (or a unique prefix of 8+ hex digits), or the name add gave it';

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

/** The flags of `remove` and `host remove`: the PKCS#12 password (when the certificate is such a file) and a dry run. */
export function removeOptions<T>(y: Argv<T>) {
  return y
    .option('password-file', {
      type: 'string',
      describe: 'file holding the PKCS#12 password (when the certificate file is one)',
    })
    .option('password-env', {
      type: 'string',
      default: DEFAULT_PASSWORD_ENV,
      describe: 'environment variable holding the PKCS#12 password',
    })
    .option('dry-run', {
      type: 'boolean',
      default: false,
      describe: 'print what would be removed; change nothing',
    });
}
