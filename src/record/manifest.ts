import type { PatchMethod } from '../types.js';
import type { StoreMount } from '../mounts/mount-map.js';
import { mergedTemporary, type TemporaryTrust } from './temporary.js';
import type { AppendRecord, CertifiRecord, JavaRecord } from '../app-stores/types.js';

/**
 * The record trustpatch keeps inside each container it patched: what it wrote, so that
 * `remove` takes out exactly that and `status` can say what is where. It holds certificates'
 * public parts and paths only, never a key.
 */
export const MANIFEST_DIR = '/var/lib/trustpatch';
export const MANIFEST_PATH = `${MANIFEST_DIR}/manifest.json`;
export const MANIFEST_VERSION = 1;

/** One installed certificate and everything done for it in this container. */
export interface ManifestEntry {
  fingerprint: string;
  subject: string;
  /** File name without extension (the anchor's). */
  name: string;
  family: string;
  method: PatchMethod | null;
  /** The anchor file written, or null (the family has none, or it was already there). */
  anchor: string | null;
  /** System bundles that lacked the certificate; `text` is what the seed step appended. */
  bundles: AppendRecord[];
  certifi: CertifiRecord[];
  java: JavaRecord[];
  /** Commands run for it (argv), in order. */
  commands: string[][];
  /** Directories the patch created (deepest first): a removal takes them away once empty. */
  createdDirs?: string[];
  addedAt: string;
  trustpatchVersion: string;
  /** Mounts written through (`--through-mounts`): the change lives on the host or in the volume. */
  mounts?: StoreMount[];
  /** Nothing was written here: a store shared with this container was patched through another one. */
  coveredBy?: { id: string; name: string };
  /** Present when it was added as temporary trust (`add --for`, `--until-interrupt`). */
  temporary?: TemporaryTrust;
}

export interface Manifest {
  schemaVersion: number;
  entries: ManifestEntry[];
}

export function emptyManifest(): Manifest {
  return { schemaVersion: MANIFEST_VERSION, entries: [] };
}

/** Parses a manifest; throws with a reason when it is not one this version can use. */
export function parseManifest(text: string): Manifest {
  const data = JSON.parse(text) as Partial<Manifest>;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.entries))
    throw new Error('not a trustpatch manifest (no entries)');
  if (data.schemaVersion !== MANIFEST_VERSION)
    throw new Error(
      `manifest schema version ${String(data.schemaVersion)} (this trustpatch reads ${MANIFEST_VERSION})`,
    );
  const entries = data.entries.filter(
    (e): e is ManifestEntry => typeof e?.fingerprint === 'string' && /^[0-9a-f]{64}$/.test(e.fingerprint),
  );
  return { schemaVersion: MANIFEST_VERSION, entries: entries.map(normalize) };
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Adds or merges entries: a certificate added again keeps one entry, with the union of what was done. */
export function mergeEntries(manifest: Manifest, added: readonly ManifestEntry[]): Manifest {
  const entries = manifest.entries.map((e) => ({ ...e }));
  for (const entry of added) {
    const index = entries.findIndex((e) => e.fingerprint === entry.fingerprint);
    if (index === -1) {
      entries.push(entry);
      continue;
    }
    const old = entries[index]!;
    entries[index] = {
      ...entry,
      // A permanent add is not undone by a temporary session's end (undefined is not serialized).
      temporary: mergedTemporary(entry.temporary, old.temporary),
      anchor: entry.anchor ?? old.anchor,
      method: entry.method ?? old.method,
      bundles: unionBy([...entry.bundles, ...old.bundles], (b) => b.path),
      certifi: unionBy([...entry.certifi, ...old.certifi], (c) => c.path),
      java: unionBy([...entry.java, ...old.java], (j) => j.keystore),
      commands: [...old.commands, ...entry.commands],
      ...(old.createdDirs || entry.createdDirs
        ? { createdDirs: [...new Set([...(entry.createdDirs ?? []), ...(old.createdDirs ?? [])])] }
        : {}),
      addedAt: old.addedAt,
    };
  }
  return { schemaVersion: MANIFEST_VERSION, entries };
}

function normalize(entry: ManifestEntry): ManifestEntry {
  return {
    ...entry,
    bundles: entry.bundles ?? [],
    certifi: entry.certifi ?? [],
    java: entry.java ?? [],
    commands: entry.commands ?? [],
    anchor: entry.anchor ?? null,
  };
}

function unionBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
