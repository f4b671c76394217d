import { UserError } from '../errors.js';

/** The trust stores trustpatch can change: the system store, and stores applications keep. */
export type StoreKind = 'system' | 'certifi' | 'java';
export const STORE_KINDS: readonly StoreKind[] = ['system', 'certifi', 'java'];

/** A certifi `cacert.pem` found in a container, and what its Python makes of it. */
export interface CertifiStore {
  kind: 'certifi';
  /** Where it was found. */
  path: string;
  /** After links: the file to append to. */
  realPath: string;
  /** The interpreter that answered `certifi.where()`, or undefined when none was found. */
  python: string | undefined;
  /** `own`: where() returns this file, so it is the store; `system`: where() returns a system bundle (Debian's patch); `other`: unused. */
  use: 'own' | 'system' | 'other' | 'unknown';
  /** What certifi.where() returned, or why it could not be asked. */
  where: string;
  /** SHA-256 fingerprints in the file, as read. */
  fingerprints: string[];
  content: Buffer;
}

/** A JDK's `cacerts` keystore found in a container. */
export interface JavaStore {
  kind: 'java';
  path: string;
  realPath: string;
  keytool: string | undefined;
  /** A link to a keystore the system's update command regenerates (Debian's ca-certificates-java): not changed directly. */
  linkedToSystem: boolean;
  /** SHA-256 fingerprints of its entries (keytool -list), or undefined when it could not be listed. */
  fingerprints: string[] | undefined;
  /** Why it could not be listed, when it could not. */
  problem: string | undefined;
}

export type AppStore = CertifiStore | JavaStore;

/** What happened to one application store in a patch, for the report. */
export interface StoreOutcome {
  kind: Exclude<StoreKind, 'system'>;
  path: string;
  /** `added`: changed now; `present`: already held it; `covered`: follows the system store; `skipped`: left alone (see note). */
  action: 'added' | 'present' | 'covered' | 'skipped' | 'planned';
  note: string;
}

/** `--stores`: which stores to patch; `system` plus every detected application store by default. */
export function parseStores(values: readonly string[]): StoreKind[] {
  const words = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 0 || words.includes('all') || words.includes('auto')) return [...STORE_KINDS];
  const unknown = words.filter((w) => !(STORE_KINDS as readonly string[]).includes(w));
  if (unknown.length > 0)
    throw new UserError(
      `--stores ${JSON.stringify(unknown.join(','))}: use system, certifi, java (comma-separated) or all.`,
    );
  return STORE_KINDS.filter((k) => words.includes(k));
}

// What the record (src/record/manifest.ts) keeps of a write, here so that the stores need not import the record.

/** Text appended to a PEM file (a system bundle or a certifi `cacert.pem`), byte for byte. */
export interface AppendRecord {
  /** The real path written (links followed). */
  path: string;
  /** Exactly what was appended: a newline if the file lacked one, a marker line (certifi), the PEM. */
  text: string;
  /** True when trustpatch created the file (there was no bundle at all): removal deletes it. */
  created?: boolean;
}

export interface CertifiRecord extends AppendRecord {
  /** The Python whose certifi.where() returned this file. */
  python: string;
}

export interface JavaRecord {
  keystore: string;
  alias: string;
  keytool: string;
}
