import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ArchiveEntry, ContainerClient } from '../docker/container-client.js';
import { FILE_LINK_HOPS, followLinks } from '../docker/links.js';

/** What the trust store directories held: each entry's kind and content or link target, by path. */
export interface StoreListing {
  dirs: string[];
  entries: Map<string, string>;
  /** The regular files' bytes and modes, for a rollback to write back (none for a listing made to compare). */
  files?: Map<string, { content: Buffer; mode: number }>;
}

/** The trust store directories as read, one archive request each: every entry by absolute path. */
export interface StoreRead {
  dirs: string[];
  entries: Map<string, ArchiveEntry>;
}

/**
 * The directories a patch can change: the anchor directory and the directories of the bundles
 * (where update commands also leave hashed links and per-certificate files).
 */
export function storeDirs(anchorDir: string | undefined, bundleRealPaths: readonly string[]): string[] {
  const dirs = [...(anchorDir === undefined ? [] : [anchorDir]), ...bundleRealPaths.map((path) => posix.dirname(path))];
  return [...new Set(dirs)].filter(
    (dir, _i, all) => !all.some((other) => other !== dir && dir.startsWith(`${other}/`)),
  );
}

/**
 * Reads whole directories through the archive API (which works on stopped and paused
 * containers). One read of a directory costs the engine about what one read of a file in it
 * does (Docker 20.10 starts a helper process for each), so a bundle, its directory's links and
 * the listing a rollback needs come from the same request.
 */
export async function readStore(client: ContainerClient, id: string, dirs: readonly string[]): Promise<StoreRead> {
  const entries = new Map<string, ArchiveEntry>();
  for (const dir of dirs) {
    for (const entry of (await client.getArchive(id, dir)) ?? [])
      entries.set(posix.join(posix.dirname(dir), entry.name).replace(/\/+$/, ''), entry);
  }
  return { dirs: [...dirs], entries };
}

/** The listing of a read: the basis on which a rollback says "as before". */
export function listingOf(read: StoreRead): StoreListing {
  const entries = new Map<string, string>();
  const files = new Map<string, { content: Buffer; mode: number }>();
  for (const [path, entry] of read.entries) {
    entries.set(
      path,
      entry.type === 'file'
        ? `file ${createHash('sha256').update(entry.content).digest('hex')}`
        : entry.type === 'symlink'
          ? `link ${entry.linkTarget ?? ''}`
          : entry.type,
    );
    if (entry.type === 'file') files.set(path, { content: entry.content, mode: entry.mode });
  }
  return { dirs: [...read.dirs], entries, files };
}

/** Lists the directories, without relying on an update command having cleaned up after itself. */
export async function listStore(client: ContainerClient, id: string, dirs: readonly string[]): Promise<StoreListing> {
  return listingOf(await readStore(client, id, dirs));
}

/** The directories of `wanted` that `have` does not already cover. */
export function uncoveredDirs(have: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((dir) => !have.some((other) => dir === other || dir.startsWith(`${other}/`)));
}

/** Two listings of different directories as one. */
export function mergeListings(a: StoreListing, b: StoreListing): StoreListing {
  return {
    dirs: [...a.dirs, ...b.dirs],
    entries: new Map([...a.entries, ...b.entries]),
    files: new Map([...(a.files ?? []), ...(b.files ?? [])]),
  };
}

/** Paths added, removed or changed between two listings, sorted. */
export function listingDifferences(before: StoreListing, after: StoreListing): string[] {
  const paths = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...paths].filter((path) => before.entries.get(path) !== after.entries.get(path)).sort();
}

/**
 * The regular file at `path` as a read holds it, following links inside the read: a file, or
 * undefined when the read shows that it does not exist. `unknown` when the read cannot tell
 * (outside its directories, or under a linked directory, which the engine follows and a
 * listing does not): then the file must be read on its own.
 */
export function fileIn(read: StoreRead, path: string): { realPath: string; content: Buffer } | undefined | 'unknown' {
  return followLinks<{ realPath: string; content: Buffer } | undefined | 'unknown'>(
    path,
    (current) => {
      const root = read.dirs.find((dir) => current.startsWith(`${dir}/`));
      if (root === undefined) return { found: 'unknown' };
      const entry = read.entries.get(current);
      if (entry === undefined) {
        // Missing for sure only when its directory was listed as a real directory, or the read found nothing at all.
        const parent = read.entries.get(posix.dirname(current));
        return {
          found:
            parent?.type === 'directory' ||
            ![...read.entries.keys()].some((p) => p === root || p.startsWith(`${root}/`))
              ? undefined
              : 'unknown',
        };
      }
      if (entry.type === 'file') return { found: { realPath: current, content: entry.content } };
      // A hard link in a directory's archive names another entry: read such a file on its own.
      if (entry.type !== 'symlink' || entry.linkTarget === undefined)
        return { found: entry.type === 'directory' ? undefined : 'unknown' };
      return { link: entry.linkTarget };
    },
    FILE_LINK_HOPS,
    undefined,
  );
}
