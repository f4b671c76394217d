import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { NotFoundError } from '../docker/container-client.js';
import { sharedKey } from '../mounts/mount-map.js';
import type { ManifestEntry } from '../record/manifest.js';
import { clearManifest, readManifest, writeManifest } from '../record/store.js';
import type { RemoveTarget } from './target.js';
import type { RemoveResult } from './types.js';

type RemoveIn = (target: RemoveTarget, info: ContainerInfo) => Promise<RemoveResult>;

/**
 * Entries of a container that was only covered by a store shared with another one (add's
 * `covered`): nothing was written here, so the removal runs in the container the store was
 * patched through, which also takes these entries out of every container it covered.
 * Throws, before anything is changed here, when that container cannot do it.
 */
export async function removeThroughLeaders(
  client: ContainerClient,
  covered: readonly ManifestEntry[],
  removeIn: RemoveIn,
): Promise<RemoveResult[]> {
  const results: RemoveResult[] = [];
  for (const leaderId of new Set(covered.map((e) => e.coveredBy!.id))) {
    const entries = covered.filter((e) => e.coveredBy!.id === leaderId);
    const name = entries[0]!.coveredBy!.name;
    let leader: ContainerInfo;
    try {
      leader = await client.inspect(leaderId);
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new Error(
          `the shared trust store was patched through ${name}, which is gone: its CA stays in the store; take it out where the files come from (nothing was changed)`,
        );
      throw error;
    }
    const result = await removeIn(
      {
        kind: 'certificates',
        label: name,
        fingerprints: entries.map((e) => e.fingerprint),
        subjects: entries.map((e) => e.subject),
      },
      leader,
    );
    if (result.status === 'failed' || result.status === 'skipped')
      throw new Error(
        `removing it through ${name}, through which the shared trust store was patched, ${result.status}: ${result.reason}`,
      );
    results.push(result);
  }
  return results;
}

/**
 * After a removal through a shared store: the containers it covered (add's `covered`, found
 * among those mounting the same host path or volume) lose their entries for it, so that their
 * record and `status` say what is there. A container that cannot be read is left as it is.
 */
export async function dropCovered(
  client: ContainerClient,
  leaderId: string,
  removed: readonly ManifestEntry[],
): Promise<string[]> {
  const keys = new Set(removed.flatMap((e) => (e.mounts ?? []).map(sharedKey)).filter((k) => k !== undefined));
  if (keys.size === 0) return [];
  const fingerprints = new Set(removed.map((e) => e.fingerprint));
  const names: string[] = [];
  for (const other of await client.list({}, false)) {
    if (other.id === leaderId || !(other.mounts ?? []).some((m) => keys.has(sharedKey(m) ?? ''))) continue;
    const record = await readManifest(client, other.id).catch(() => undefined);
    if (record === undefined || record.problem !== undefined) continue;
    const remaining = record.manifest.entries.filter(
      (e) => !(e.coveredBy?.id === leaderId && fingerprints.has(e.fingerprint)),
    );
    if (remaining.length === record.manifest.entries.length) continue;
    if (remaining.length > 0) await writeManifest(client, other.id, { ...record.manifest, entries: remaining });
    // Its rm is not known here: the usual place, else an empty record (store.ts).
    else
      await clearManifest(client, other.id, '/bin/rm').catch(() =>
        writeManifest(client, other.id, { ...record.manifest, entries: [] }),
      );
    names.push(other.name);
  }
  return names;
}
