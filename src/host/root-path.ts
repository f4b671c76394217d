import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { resolvePath } from '../docker/links.js';

/**
 * Where an absolute path inside a root tree is on this machine, with links in its parent
 * directories followed inside the tree (an absolute link target is relative to `root`, as
 * it is for a chroot or a container) and the last part left alone, the way the engine's
 * archive endpoint treats a container's paths. `..` never climbs above the tree's `/`.
 */
export async function inRoot(root: string, path: string): Promise<string> {
  const resolved = await resolvePath(
    path,
    // A missing part is walked on as a plain one: nothing under it is a link either.
    async (next) => {
      const link = await linkTarget(onHost(root, next));
      return link === undefined ? 'other' : { link };
    },
    {
      // The last part is what was asked for: a link there is returned, not followed.
      followLast: false,
      tooMany: () => new Error(`too many levels of symbolic links in ${path} under ${root}`),
    },
  );
  return onHost(root, resolved.path);
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
