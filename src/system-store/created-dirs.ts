import { posix } from 'node:path';
import type { ContainerClient } from '../docker/container-client.js';
import type { StoreRead } from './store-listing.js';

/**
 * The directories that writing `paths` will create (the archive API and the local client both
 * make missing parents), deepest first, so that a removal can take them away again: a minimal
 * root filesystem (Alpine's minirootfs, BusyBox) has no /usr/local/share/ca-certificates or
 * /etc/ssl/certs. Directories the survey read are known to exist and cost no request.
 */
export async function missingDirs(
  client: ContainerClient,
  id: string,
  paths: readonly string[],
  known: StoreRead,
): Promise<string[]> {
  const missing = new Set<string>();
  for (const path of paths) {
    for (let dir = posix.dirname(path); dir !== '/' && !missing.has(dir); dir = posix.dirname(dir)) {
      if (known.entries.get(dir)?.type === 'directory' || (await client.stat(id, dir)) !== undefined) break;
      missing.add(dir);
    }
  }
  return [...missing].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
}

/**
 * Removes the directories a patch created, deepest first, where they are empty again (rmdir
 * refuses the others, so nothing of anyone else's goes); returns those still there.
 */
export async function removeCreatedDirs(
  client: ContainerClient,
  id: string,
  dirs: readonly string[],
  rmdir: string | undefined,
): Promise<string[]> {
  const ordered = [...new Set(dirs)].sort((a, b) => b.split('/').length - a.split('/').length);
  if (ordered.length === 0) return [];
  if (rmdir !== undefined) await client.exec(id, [rmdir, '--', ...ordered]);
  const left: string[] = [];
  for (const dir of ordered) if ((await client.stat(id, dir)) !== undefined) left.push(dir);
  return left;
}
