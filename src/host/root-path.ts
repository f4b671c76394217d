import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

const MAX_LINKS = 40;

/**
 * Where an absolute path inside a root tree is on this machine, with links in its parent
 * directories followed inside the tree (an absolute link target is relative to `root`, as
 * it is for a chroot or a container) and the last part left alone, the way the engine's
 * archive endpoint treats a container's paths. `..` never climbs above the tree's `/`.
 */
export async function inRoot(root: string, path: string): Promise<string> {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  let resolved = '/';
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const next = posix.join(resolved, part);
    // The last part is what was asked for: a link there is returned, not followed.
    if (parts.length === 0) return onHost(root, next);
    const target = await linkTarget(onHost(root, next));
    if (target === undefined) {
      resolved = next;
      continue;
    }
    if ((hops += 1) > MAX_LINKS) throw new Error(`too many levels of symbolic links in ${path} under ${root}`);
    parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
    if (target.startsWith('/')) resolved = '/';
  }
  return onHost(root, resolved);
}

/** The host path of a path inside the tree, with no links followed. */
export function onHost(root: string, path: string): string {
  return root === '/' ? path : posix.join(root, path);
}

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await readlink(path) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw error;
  }
}
