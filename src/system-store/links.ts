import { posix } from 'node:path';
import type { ContainerClient } from '../docker/container-client.js';
import { followLinks, HASH_LINK_HOPS } from '../docker/links.js';
import { readStore, uncoveredDirs, type StoreRead } from './store-listing.js';

/** Where update commands put a link per CA (`NAME.pem`) and OpenSSL's hash links (`1a2b3c4d.0`). */
export const LINK_DIRS = ['/etc/ssl/certs'];

/**
 * Links left pointing at removed anchors. Debian's update-ca-certificates deletes orphan links
 * only when its certificate list changed, and a deleted local anchor does not count, so
 * `NAME.pem -> /usr/local/share/ca-certificates/NAME.crt` and its hash link stay behind
 * (update-ca-certificates, "Remove orphan symlinks"). Only links that lead to a removed anchor,
 * directly or through another such link, and that are now dangling are returned.
 */
export async function orphanLinks(
  client: ContainerClient,
  id: string,
  removedAnchors: readonly string[],
): Promise<string[]> {
  if (removedAnchors.length === 0) return [];
  const orphans: string[] = [];
  for (const dir of LINK_DIRS) {
    const entries = (await client.getArchive(id, dir)) ?? [];
    const links = entries
      .filter((e) => e.type === 'symlink' && e.linkTarget !== undefined)
      .map((e) => ({
        path: posix.join(dir, e.name.split('/').slice(1).join('/')),
        target: posix.resolve(dir, e.linkTarget!),
      }));
    const present = new Set(
      entries.filter((e) => e.type !== 'symlink').map((e) => posix.join(dir, e.name.split('/').slice(1).join('/'))),
    );
    const doomed = new Set(removedAnchors);
    let grew = true;
    while (grew) {
      grew = false;
      for (const link of links) {
        if (!doomed.has(link.path) && doomed.has(link.target) && !present.has(link.target)) {
          doomed.add(link.path);
          orphans.push(link.path);
          grew = true;
        }
      }
    }
  }
  return orphans;
}

/**
 * True when an OpenSSL hash link (`1a2b3c4d.0`) in /etc/ssl/certs leads to `anchor`: then
 * OpenSSL-based programs that look CAs up in that directory find the CA when they need it,
 * even if they started before it was added (the directory is read on demand, the bundle once).
 */
export async function hashLinked(
  client: ContainerClient,
  id: string,
  anchor: string,
  read?: StoreRead,
): Promise<boolean> {
  const dir = LINK_DIRS[0]!;
  // A read of the directory (or of one above it) made after the update serves; else it is read now.
  const store =
    read !== undefined && uncoveredDirs(read.dirs, [dir]).length === 0 ? read : await readStore(client, id, [dir]);
  // Links in the directory, by path, with their text: a link out of it ends the walk.
  const links = new Map<string, string>();
  for (const [path, entry] of store.entries) {
    if (posix.dirname(path) === dir && entry.type === 'symlink' && entry.linkTarget !== undefined)
      links.set(path, entry.linkTarget);
  }
  for (const [path] of links) {
    if (!/^[0-9a-f]{8}\.\d+$/.test(posix.basename(path))) continue;
    const leads = followLinks(
      path,
      (current) => {
        if (current === anchor) return { found: true };
        const link = links.get(current);
        return link === undefined ? { found: false } : { link };
      },
      HASH_LINK_HOPS,
      false,
    );
    if (leads) return true;
  }
  return false;
}
