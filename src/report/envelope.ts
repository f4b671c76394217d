import { VERSION } from '../version.js';

/** Bumped on any incompatible change to a document (docs/json.md, schema/trustpatch.schema.json). */
export const SCHEMA_VERSION = 1;

/** Every command whose --json prints a document. */
export type DocumentCommand =
  | 'add'
  | 'check'
  | 'remove'
  | 'status'
  | 'inspect'
  | 'registry add'
  | 'registry lint'
  | 'registry client-cert';

/**
 * The fields every --json document starts with: which schema, which command, which trustpatch,
 * and the engines it used (empty for a command that uses none).
 */
export function envelope<C extends DocumentCommand>(command: C, engines: readonly string[]) {
  return { schemaVersion: SCHEMA_VERSION, command, trustpatchVersion: VERSION, engines: [...engines] };
}
