import { readFileSync } from 'node:fs';

/** trustpatch's own version, from package.json (two levels above dist/src/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
