import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A host directory (or file) as it is, byte for byte: every entry's path, kind, mode and
 * content hash or link target. Two snapshots are equal when nothing in the tree changed.
 */
export async function hostTree(root: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const walk = async (path: string, rel: string) => {
    const stat = await lstat(path);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) tree.set(rel, `link ${await readlink(path)}`);
    else if (stat.isDirectory()) {
      tree.set(rel, `dir ${mode}`);
      for (const name of (await readdir(path)).sort()) await walk(join(path, name), `${rel}/${name}`);
    } else
      tree.set(
        rel,
        `file ${mode} ${createHash('sha256')
          .update(await readFile(path))
          .digest('hex')}`,
      );
  };
  await walk(root, '.');
  return tree;
}

/** What differs between two snapshots, one line per entry, for assertion messages. */
export function treeDifferences(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys
    .filter((k) => before.get(k) !== after.get(k))
    .map((k) => `${k}: ${before.get(k) ?? 'absent'} -> ${after.get(k) ?? 'absent'}`);
}
