import type { ContainerClient } from '../docker/container-client.js';
import { errorMessage } from '../errors.js';
import { snapshotBundles, type BundleSnapshot } from './bundles.js';

/** What a patch changed so far, and therefore what undoing it means. */
export interface Changes {
  anchors: string[];
  bundles: BundleSnapshot[];
  /** Set once the update command ran: it is run again after the anchors are gone. */
  updateCommand: readonly string[] | undefined;
}

/** `not-needed`: nothing had been changed; `done`: every bundle is byte-identical to before. */
export type RollbackOutcome = 'not-needed' | 'done' | 'incomplete';

/**
 * Puts a container back as it was before a failed patch: removes the anchor files, reruns the
 * update so its links go too, then writes back any bundle whose bytes still differ.
 */
export async function rollBack(client: ContainerClient, id: string, changes: Changes, warnings: string[]): Promise<RollbackOutcome> {
  if (changes.anchors.length === 0 && changes.updateCommand === undefined) return 'not-needed';
  try {
    if (changes.anchors.length > 0) {
      const removed = await client.exec(id, ['rm', '-f', '--', ...changes.anchors]);
      if (removed.exitCode !== 0) warnings.push(`could not remove ${changes.anchors.join(', ')}: ${removed.stderr.trim() || `rm exited with ${removed.exitCode}`}`);
    }
    if (changes.updateCommand !== undefined) await client.exec(id, changes.updateCommand);
    const now = await snapshotBundles(client, id, changes.bundles.map((b) => b.path));
    const restore = changes.bundles.filter((b, i) => b.content !== undefined && !b.content.equals(now[i]!.content ?? Buffer.alloc(0)));
    if (restore.length > 0) await client.putFiles(id, restore.map((b) => ({ path: b.realPath, content: b.content!, mode: 0o644 })));
    const created = changes.bundles.filter((b, i) => b.content === undefined && now[i]!.content !== undefined).map((b) => b.realPath);
    if (created.length > 0) await client.exec(id, ['rm', '-f', '--', ...created]);
    const final = await snapshotBundles(client, id, changes.bundles.map((b) => b.path));
    const same = changes.bundles.every((b, i) => (b.content === undefined ? final[i]!.content === undefined : b.content.equals(final[i]!.content ?? Buffer.alloc(0))));
    if (!same) warnings.push('rollback: a bundle still differs from its state before the patch');
    return same ? 'done' : 'incomplete';
  } catch (error) {
    warnings.push(`rollback failed: ${errorMessage(error)}`);
    return 'incomplete';
  }
}
