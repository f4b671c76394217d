import type { ContainerClient } from '../docker/container-client.js';
import { pathExists, readContainerFile } from '../docker/files.js';
import { tail } from '../errors.js';
import type { SavedFile } from '../app-stores/app-stores.js';
import { snapshotBundles, type BundleSnapshot } from '../system-store/bundles.js';
import type { Changes } from './changes.js';
import { listingDifferences, listStore, type StoreListing } from '../system-store/store-listing.js';

/** The update command gets this long when rerun during a rollback: it may be what hung. */
export const ROLLBACK_COMMAND_MS = 20_000;

/** Each step says what it could not do, or undefined; it throws only when the engine failed it. */
export type StepProblem = string | undefined;

/** Removes files with the container's rm; says why not when it cannot. */
export async function remove(
  client: ContainerClient,
  id: string,
  changes: Changes,
  paths: readonly string[],
  recursive = false,
): Promise<StepProblem> {
  if (changes.rm === undefined)
    return `left ${paths.join(', ')} in place: the container has no rm and the archive API cannot delete files`;
  const removed = await client.exec(id, [changes.rm, recursive ? '-rf' : '-f', '--', ...paths]);
  return removed.exitCode === 0
    ? undefined
    : `could not remove ${paths.join(', ')}: ${removed.stderr.trim() || `rm exited with ${removed.exitCode}`}`;
}

export async function rerun(client: ContainerClient, id: string, argv: readonly string[]): Promise<StepProblem> {
  const run = await client.exec(id, argv, { timeoutMs: ROLLBACK_COMMAND_MS, user: '0' });
  if (run.timedOut) return `timed out after ${ROLLBACK_COMMAND_MS / 1000}s`;
  return run.exitCode === 0 ? undefined : `exited with ${run.exitCode}: ${tail(run.stderr || run.stdout)}`;
}

/** Writes back every bundle whose bytes differ (the archive API works on stopped containers); removes bundles the patch created. */
export async function restoreBundles(client: ContainerClient, id: string, changes: Changes): Promise<StepProblem> {
  const paths = changes.bundles.map((b) => b.path);
  const now = await snapshotBundles(client, id, paths);
  const restore = distinct(
    changes.bundles.filter((b, i) => b.content !== undefined && !b.content.equals(now[i]!.content ?? Buffer.alloc(0))),
  );
  if (restore.length > 0)
    await client.putFiles(
      id,
      restore.map((b) => ({ path: b.realPath, content: b.content!, mode: 0o644 })),
    );
  const created = distinct(
    changes.bundles.filter((b, i) => b.content === undefined && now[i]!.content !== undefined),
  ).map((b) => now[paths.indexOf(b.path)]!.realPath);
  return created.length > 0 ? remove(client, id, changes, created) : undefined;
}

/** Whether every bundle is byte-identical to its snapshot (or still absent). */
export async function bundlesAsBefore(
  client: ContainerClient,
  id: string,
  bundles: readonly BundleSnapshot[],
): Promise<StepProblem> {
  const final = await snapshotBundles(
    client,
    id,
    bundles.map((b) => b.path),
  );
  const same = bundles.every((b, i) =>
    b.content === undefined ? final[i]!.content === undefined : b.content.equals(final[i]!.content ?? Buffer.alloc(0)),
  );
  return same ? undefined : 'a bundle still differs from its state before the patch';
}

/** Whether every application store (certifi file, keystore) is byte-identical to before it was written. */
export async function appFilesAsBefore(
  client: ContainerClient,
  id: string,
  files: readonly SavedFile[],
): Promise<StepProblem> {
  const differ: string[] = [];
  for (const file of files)
    if (!(await readContainerFile(client, id, file.path))?.content.equals(file.content)) differ.push(file.path);
  return differ.length === 0 ? undefined : `${differ.join(', ')} still differs from before`;
}

/**
 * Compares the trust store directories with their listing from before the patch, after taking
 * away directories the engine created for the patch's files (left empty once those are gone).
 * Names what still differs: that is what the rollback could not undo.
 */
export async function storeAsBefore(
  client: ContainerClient,
  id: string,
  changes: Changes,
  before: StoreListing,
): Promise<StepProblem> {
  let after = await listStore(client, id, before.dirs);
  // Files and links that appeared during the patch are its own: Debian's update-ca-certificates
  // leaves the links of a removed local CA behind unless run with --fresh, which would rebuild
  // every link. Then directories the engine created for them, once empty.
  const added = [...after.entries]
    .filter(([path, kind]) => kind !== 'directory' && !before.entries.has(path))
    .map(([path]) => path);
  const emptied = [...after.entries].filter(
    ([path, kind]) =>
      kind === 'directory' &&
      !before.entries.has(path) &&
      ![...after.entries].some(
        ([other, k]) => other.startsWith(`${path}/`) && !added.includes(other) && k !== 'directory',
      ),
  );
  if ((added.length > 0 || emptied.length > 0) && changes.rm !== undefined) {
    if (added.length > 0) await remove(client, id, changes, added).catch(() => undefined);
    if (emptied.length > 0)
      await remove(
        client,
        id,
        changes,
        emptied.map(([path]) => path),
        true,
      ).catch(() => undefined);
    after = await listStore(client, id, before.dirs);
  }
  // Files an update regenerates with new bytes but the same certificates go back as they were:
  // p11-kit's Java keystores carry the time of each extraction (RHEL's extracted/java/cacerts,
  // SUSE's /var/lib/ca-certificates/java-cacerts), so a rerun never rewrites them byte for byte.
  const rewritten = listingDifferences(before, after).flatMap((path) => {
    const saved = before.files?.get(path);
    return saved !== undefined && after.entries.get(path)?.startsWith('file ')
      ? [{ path, content: saved.content, mode: saved.mode & 0o7777 }]
      : [];
  });
  if (rewritten.length > 0) {
    await client.putFiles(id, rewritten);
    after = await listStore(client, id, before.dirs);
  }
  const left = listingDifferences(before, after);
  if (left.length === 0) return undefined;
  const named = left.length > 6 ? `${left.slice(0, 6).join(', ')} and ${left.length - 6} more` : left.join(', ');
  return `the trust store still differs from before: ${named} (run trustpatch add again to finish the patch, or remove ${left.length > 1 ? 'them' : 'it'})`;
}

/** Which anchors are still there: the archive API sees them even in a stopped container. */
export async function anchorsGone(
  client: ContainerClient,
  id: string,
  anchors: readonly string[],
): Promise<StepProblem> {
  const still: string[] = [];
  for (const path of anchors) if (await pathExists(client, id, path)) still.push(path);
  return still.length === 0
    ? undefined
    : `${still.join(', ')} is still there (remove it, or start the container and run trustpatch add again to finish)`;
}

function distinct(bundles: readonly BundleSnapshot[]): BundleSnapshot[] {
  return bundles.filter((b, i) => bundles.findIndex((other) => other.realPath === b.realPath) === i);
}
