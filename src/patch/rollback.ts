import type { ContainerClient } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { errorMessage } from '../errors.js';
import type { SavedFile } from '../stores/app-stores.js';
import { snapshotBundles, type BundleSnapshot } from './bundles.js';
import { orphanLinks } from '../undo/links.js';

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
  /** Application stores (certifi files, keystores) as they were before they were written. */
  appFiles: SavedFile[];
}

export function noChanges(rm?: string): Changes {
  return { anchors: [], bundles: [], seeded: [], updateCommand: undefined, installed: [], rm, appFiles: [] };
}

/** `not-needed`: nothing had been changed; `done`: every bundle is byte-identical to before. */
export type RollbackOutcome = 'not-needed' | 'done' | 'incomplete';

/**
 * Puts a container back as it was before a failed patch: removes the anchor files, reruns the
 * update so its links go too, then writes back every bundle whose bytes differ. Each step is
 * tried on its own, so a container that stopped half-way still gets its bundles back (the
 * archive API works on stopped containers; exec does not).
 */
export async function rollBack(client: ContainerClient, id: string, changes: Changes, warnings: string[]): Promise<RollbackOutcome> {
  if (changes.anchors.length === 0 && changes.seeded.length === 0 && changes.updateCommand === undefined && changes.installed.length === 0 && changes.appFiles.length === 0) return 'not-needed';
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      warnings.push(`rollback: ${what} failed: ${errorMessage(error)}`);
    }
  };
  if (changes.anchors.length > 0) await attempt(`removing ${changes.anchors.join(', ')}`, () => remove(client, id, changes, changes.anchors, warnings));
  if (changes.updateCommand !== undefined) await attempt(`\`${changes.updateCommand.join(' ')}\``, async () => void (await client.exec(id, changes.updateCommand!)));
  // The update leaves links to the deleted anchors behind (src/undo/links.ts): they go too.
  if (changes.updateCommand !== undefined && changes.rm !== undefined) await attempt('removing links to the anchors', async () => {
    const orphans = await orphanLinks(client, id, changes.anchors);
    if (orphans.length > 0) await client.exec(id, [changes.rm!, '-f', '--', ...orphans]);
  });
  const paths = changes.bundles.map((b) => b.path);
  await attempt('restoring the bundles', async () => {
    const now = await snapshotBundles(client, id, paths);
    const restore = distinct(changes.bundles.filter((b, i) => b.content !== undefined && !b.content.equals(now[i]!.content ?? Buffer.alloc(0))));
    if (restore.length > 0) await client.putFiles(id, restore.map((b) => ({ path: b.realPath, content: b.content!, mode: 0o644 })));
    const created = distinct(changes.bundles.filter((b, i) => b.content === undefined && now[i]!.content !== undefined)).map((b) => now[paths.indexOf(b.path)]!.realPath);
    if (created.length > 0) await remove(client, id, changes, created, warnings);
  });
  if (changes.installed.length > 0) warnings.push(`rollback: ${changes.installed.join(' ')} stays installed`);
  // certifi files and keystores go back byte for byte, like the bundles.
  if (changes.appFiles.length > 0) await attempt('restoring application stores', () => client.putFiles(id, changes.appFiles.map((f) => ({ path: f.path, content: f.content, mode: 0o644 }))));
  let same = false;
  await attempt('comparing the bundles', async () => {
    const final = await snapshotBundles(client, id, paths);
    same = changes.bundles.every((b, i) => (b.content === undefined ? final[i]!.content === undefined : b.content.equals(final[i]!.content ?? Buffer.alloc(0))));
    for (const file of changes.appFiles) if (!(await readContainerFile(client, id, file.path))?.content.equals(file.content)) same = false;
  });
  if (!same) warnings.push('rollback: a bundle still differs from its state before the patch');
  return same ? 'done' : 'incomplete';
}

async function remove(client: ContainerClient, id: string, changes: Changes, paths: readonly string[], warnings: string[]): Promise<void> {
  if (changes.rm === undefined) {
    warnings.push(`rollback: left ${paths.join(', ')} in place: the container has no rm and the archive API cannot delete files`);
    return;
  }
  const removed = await client.exec(id, [changes.rm, '-f', '--', ...paths]);
  if (removed.exitCode !== 0) warnings.push(`rollback: could not remove ${paths.join(', ')}: ${removed.stderr.trim() || `rm exited with ${removed.exitCode}`}`);
}

function distinct(bundles: readonly BundleSnapshot[]): BundleSnapshot[] {
  return bundles.filter((b, i) => bundles.findIndex((other) => other.realPath === b.realPath) === i);
}
