import { NotFoundError, type ContainerClient } from '../docker/container-client.js';
import { pathExists } from '../docker/files.js';
import { errorMessage, tail } from '../errors.js';
import { snapshotBundles, type BundleSnapshot } from './bundles.js';
import { EngineWait } from './engine-drop.js';

/** What a patch changed so far, and therefore what undoing it means. */
export interface Changes {
  /** Anchor files written. */
  anchors: string[];
  /** The bundles as they were before anything was written. */
  bundles: BundleSnapshot[];
  /** Real paths of bundles written by the seed step. */
  seeded: string[];
  /** Set once the update command ran: it is run again after the anchors are gone. */
  updateCommand: readonly string[] | undefined;
  /** Packages installed: left installed, and said so. */
  installed: string[];
  /** Absolute path of rm, when the container has one: the archive API cannot delete. */
  rm: string | undefined;
}

export function noChanges(rm?: string): Changes {
  return { anchors: [], bundles: [], seeded: [], updateCommand: undefined, installed: [], rm };
}

/**
 * `not-needed`: nothing had been changed; `done`: the container is as before (every bundle
 * byte-identical, anchors gone, the update rerun without them); `incomplete`: something is
 * left, named in the warnings; `container-removed`: the container is gone, nothing to undo.
 */
export type RollbackOutcome = 'not-needed' | 'done' | 'incomplete' | 'container-removed';

/** The update command gets this long when rerun during a rollback: it may be what hung. */
export const ROLLBACK_COMMAND_MS = 20_000;

/**
 * Puts a container back as it was before a failed patch: removes the anchor files, reruns the
 * update so its links go too, then writes back every bundle whose bytes differ. Each step is
 * tried on its own, so a container that stopped half-way still gets its bundles back (the
 * archive API works on stopped and paused containers; exec does not), and each step waits out
 * an engine that dropped the connection (EngineWait). Whatever could not be undone is named.
 */
export async function rollBack(client: ContainerClient, id: string, changes: Changes, warnings: string[], engine = new EngineWait()): Promise<RollbackOutcome> {
  if (changes.anchors.length === 0 && changes.seeded.length === 0 && changes.updateCommand === undefined && changes.installed.length === 0) return 'not-needed';
  let complete = true;
  let gone = false;
  const attempt = async (what: string, work: () => Promise<string | undefined>) => {
    try {
      const problem = await engine.retry(work);
      if (problem !== undefined) warnings.push(`rollback: ${what}: ${problem}`);
      complete &&= problem === undefined;
    } catch (error) {
      gone ||= error instanceof NotFoundError;
      complete = false;
      warnings.push(`rollback: ${what} failed: ${errorMessage(error)}`);
    }
  };
  if (changes.anchors.length > 0) await attempt(`removing ${changes.anchors.join(', ')}`, () => remove(client, id, changes, changes.anchors));
  if (changes.updateCommand !== undefined && !gone) await attempt(`rerunning \`${changes.updateCommand.join(' ')}\``, () => rerun(client, id, changes.updateCommand!));
  const paths = changes.bundles.map((b) => b.path);
  if (!gone) {
    await attempt('restoring the bundles', async () => {
      const now = await snapshotBundles(client, id, paths);
      const restore = distinct(changes.bundles.filter((b, i) => b.content !== undefined && !b.content.equals(now[i]!.content ?? Buffer.alloc(0))));
      if (restore.length > 0) await client.putFiles(id, restore.map((b) => ({ path: b.realPath, content: b.content!, mode: 0o644 })));
      const created = distinct(changes.bundles.filter((b, i) => b.content === undefined && now[i]!.content !== undefined)).map((b) => now[paths.indexOf(b.path)]!.realPath);
      return created.length > 0 ? remove(client, id, changes, created) : undefined;
    });
  }
  if (changes.installed.length > 0) warnings.push(`rollback: ${changes.installed.join(' ')} stays installed`);
  if (gone) return 'container-removed';
  let same = false;
  await attempt('comparing the bundles', async () => {
    const final = await snapshotBundles(client, id, paths);
    same = changes.bundles.every((b, i) => (b.content === undefined ? final[i]!.content === undefined : b.content.equals(final[i]!.content ?? Buffer.alloc(0))));
    return same ? undefined : 'a bundle still differs from its state before the patch';
  });
  if (changes.anchors.length > 0) await attempt('checking the anchors are gone', async () => left(client, id, changes.anchors));
  if (gone) return 'container-removed';
  return same && complete ? 'done' : 'incomplete';
}

/** Removes files with the container's rm; says why not when it cannot (no rm, or not running). */
async function remove(client: ContainerClient, id: string, changes: Changes, paths: readonly string[]): Promise<string | undefined> {
  if (changes.rm === undefined) return `left ${paths.join(', ')} in place: the container has no rm and the archive API cannot delete files`;
  const removed = await client.exec(id, [changes.rm, '-f', '--', ...paths]);
  return removed.exitCode === 0 ? undefined : `could not remove ${paths.join(', ')}: ${removed.stderr.trim() || `rm exited with ${removed.exitCode}`}`;
}

async function rerun(client: ContainerClient, id: string, argv: readonly string[]): Promise<string | undefined> {
  const run = await client.exec(id, argv, { timeoutMs: ROLLBACK_COMMAND_MS, user: '0' });
  if (run.timedOut) return `timed out after ${ROLLBACK_COMMAND_MS / 1000}s: files it generates besides the bundles (such as hashed links) may still include the CA`;
  return run.exitCode === 0 ? undefined : `exited with ${run.exitCode}: ${tail(run.stderr || run.stdout)}`;
}

/** Which anchors are still there: the archive API sees them even in a stopped container. */
async function left(client: ContainerClient, id: string, anchors: readonly string[]): Promise<string | undefined> {
  const still: string[] = [];
  for (const path of anchors) if (await pathExists(client, id, path)) still.push(path);
  return still.length === 0 ? undefined : `${still.join(', ')} is still there (remove it, or start the container and run trustpatch add again to finish)`;
}

function distinct(bundles: readonly BundleSnapshot[]): BundleSnapshot[] {
  return bundles.filter((b, i) => bundles.findIndex((other) => other.realPath === b.realPath) === i);
}
