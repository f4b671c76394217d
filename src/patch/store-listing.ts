import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ContainerClient } from '../docker/container-client.js';

/** What the trust store directories held: each entry's kind and content or link target, by path. */
export interface StoreListing {
  dirs: string[];
  entries: Map<string, string>;
}

/**
 * The directories a patch can change: the anchor directory and the directories of the bundles
 * (where update commands also leave hashed links and per-certificate files).
 */
export function storeDirs(anchorDir: string | undefined, bundleRealPaths: readonly string[]): string[] {
  const dirs = [...(anchorDir === undefined ? [] : [anchorDir]), ...bundleRealPaths.map((path) => posix.dirname(path))];
  return [...new Set(dirs)].filter((dir, _i, all) => !all.some((other) => other !== dir && dir.startsWith(`${other}/`)));
}

/**
 * Lists the directories through the archive API (which works on stopped and paused
 * containers): the basis on which a rollback says "as before" without relying on an update
 * command having cleaned up after itself.
 */
export async function listStore(client: ContainerClient, id: string, dirs: readonly string[]): Promise<StoreListing> {
  const entries = new Map<string, string>();
  for (const dir of dirs) {
    const archive = (await client.getArchive(id, dir)) ?? [];
    for (const entry of archive) {
      const path = posix.join(posix.dirname(dir), entry.name).replace(/\/+$/, '');
      const what = entry.type === 'file' ? `file ${createHash('sha256').update(entry.content).digest('hex')}` : entry.type === 'symlink' ? `link ${entry.linkTarget ?? ''}` : entry.type;
      entries.set(path, what);
    }
  }
  return { dirs: [...dirs], entries };
}

/** Paths added, removed or changed between two listings, sorted. */
export function listingDifferences(before: StoreListing, after: StoreListing): string[] {
  const paths = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...paths].filter((path) => before.entries.get(path) !== after.entries.get(path)).sort();
}
