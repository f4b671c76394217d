import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { ArchiveEntry, ContainerClient } from '../docker/container-client.js';
import { unpackEntries } from '../docker/tar.js';
import { firstPresent } from '../distro/probe.js';
import { readStore, type StoreRead } from './store-listing.js';

/** Where a container's own tar is looked for (Debian's GNU tar, BusyBox's applet). */
export const TAR_PATHS = ['/bin/tar', '/usr/bin/tar'];

/**
 * The trust store directories as readStore reads them, in one exec of the container's own tar
 * where it has one: Docker 20.10 starts a helper process for every archive read, while an exec
 * costs one runc exec, so two directories cost about a third of what two archive reads do
 * (`npm run profile -- ops`). The directories go as argv (no shell), and the archive is read
 * with the same reader as the engine's, keeping only plain names inside those directories.
 * Falls back to the archive API whenever the result is not plainly complete: no tar, a
 * non-zero exit (a missing directory), or a directory that is not a real directory (a link,
 * which the archive API answers in its own way).
 */
export async function readStoreFast(client: ContainerClient, id: string, dirs: readonly string[]): Promise<StoreRead> {
  if (dirs.length === 0) return readStore(client, id, dirs);
  const tar = await findTar(client, id);
  const read = tar === undefined ? undefined : await readByTar(client, id, tar, dirs);
  return read ?? readStore(client, id, dirs);
}

async function readByTar(
  client: ContainerClient,
  id: string,
  tar: string,
  dirs: readonly string[],
): Promise<StoreRead | undefined> {
  const bytes = await tarArchive(client, id, tar, dirs);
  return bytes === undefined ? undefined : storeReadOf(bytes, dirs);
}

/** The archive the container's `tar` makes of `paths` (absolute, made at `/`), or undefined where it failed. */
export async function tarArchive(
  client: ContainerClient,
  id: string,
  tar: string,
  paths: readonly string[],
): Promise<Buffer | undefined> {
  // GNU tar and BusyBox's both take -c -f - -C DIR and names after `--`; links are not followed.
  const run = await client.exec(id, [tar, '-c', '-f', '-', '-C', '/', '--', ...tarNames(paths)], {
    user: '0',
    readsOnly: true,
  });
  return run.exitCode !== 0 || run.timedOut ? undefined : run.stdoutBytes;
}

/** `tar` and its argv for the directories (for a script that runs it after another command). */
export async function findTar(client: ContainerClient, id: string): Promise<string | undefined> {
  return firstPresent(client, id, TAR_PATHS, (path) => path);
}

/** The directories relative to `/`, as the tar command line takes them. */
export function tarNames(dirs: readonly string[]): string[] {
  return dirs.map((dir) => dir.slice(1));
}

/**
 * A tar archive of `dirs` made at `/` as a StoreRead, or undefined when it is not plainly
 * complete (unreadable, or a directory missing or not a real directory). Only plain names
 * inside those directories are kept.
 */
export async function storeReadOf(bytes: Buffer, dirs: readonly string[]): Promise<StoreRead | undefined> {
  let archive: ArchiveEntry[];
  try {
    archive = await unpackEntries(Readable.from([bytes]));
  } catch {
    return undefined;
  }
  const entries = new Map<string, ArchiveEntry>();
  for (const entry of archive) {
    const path = `/${entry.name}`.replace(/\/+$/, '');
    const plain = posix.normalize(path) === path && !entry.name.includes('\0');
    if (plain && dirs.some((dir) => path === dir || path.startsWith(`${dir}/`))) entries.set(path, entry);
  }
  if (!dirs.every((dir) => entries.get(dir)?.type === 'directory')) return undefined;
  return { dirs: [...dirs], entries };
}
