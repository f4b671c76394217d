import { NotFoundError, type ContainerClient } from '../docker/container-client.js';
import { errorMessage } from '../errors.js';
import { orphanLinks } from '../system-store/links.js';
import type { Changes } from './changes.js';
import { EngineWait } from '../docker/engine-drop.js';
import {
  anchorsGone,
  appFilesAsBefore,
  bundlesAsBefore,
  remove,
  rerun,
  restoreBundles,
  storeAsBefore,
  type StepProblem,
} from './rollback-steps.js';
import type { RollbackOutcome } from '../types.js';

// The caller that rolls back also starts the record of changes: it takes both from here.
export { type Changes, noChanges } from './changes.js';

/**
 * Puts a container back as it was before a failed patch: removes the anchor files, reruns the
 * update so its links go too, then writes back every bundle and application store whose bytes
 * differ. Each step is tried on its own, so a container that stopped half-way still gets its
 * bundles back (the archive API works on stopped and paused containers; exec does not), and
 * each step waits out an engine that dropped the connection (EngineWait). `done` is then
 * judged on what is there, not on which commands succeeded; whatever differs is named.
 */
export async function rollBack(
  client: ContainerClient,
  id: string,
  changes: Changes,
  warnings: string[],
  engine = new EngineWait(),
): Promise<RollbackOutcome> {
  if (
    changes.anchors.length === 0 &&
    changes.seeded.length === 0 &&
    changes.updateCommand === undefined &&
    changes.installed.length === 0 &&
    changes.appFiles.length === 0
  )
    return 'not-needed';
  // An installed package stays, and changes the store with it: then only the bundles and anchors are judged.
  const listing = changes.installed.length === 0 ? changes.store : undefined;
  let complete = true;
  let gone = false;
  const attempt = async (what: string, work: () => Promise<StepProblem>, judged = true) => {
    if (gone) return;
    try {
      const problem = await engine.retry(work);
      if (problem !== undefined) warnings.push(`rollback: ${what}: ${problem}`);
      if (judged) complete &&= problem === undefined;
    } catch (error) {
      gone = error instanceof NotFoundError;
      if (judged || !gone) complete = false;
      if (!gone) warnings.push(`rollback: ${what} failed: ${errorMessage(error)}`);
    }
  };
  const cleanup = listing === undefined;
  if (changes.anchors.length > 0)
    await attempt(
      `removing ${changes.anchors.join(', ')}`,
      () => remove(client, id, changes, changes.anchors),
      cleanup,
    );
  if (changes.updateCommand !== undefined)
    await attempt(
      `rerunning \`${changes.updateCommand.join(' ')}\``,
      () => rerun(client, id, changes.updateCommand!),
      cleanup,
    );
  // The update leaves links to the deleted anchors behind (src/system-store/links.ts): they go too.
  if (changes.updateCommand !== undefined && changes.rm !== undefined) {
    await attempt(
      'removing links to the anchors',
      async () => {
        const orphans = await orphanLinks(client, id, changes.anchors);
        return orphans.length > 0 ? remove(client, id, changes, orphans) : undefined;
      },
      cleanup,
    );
  }
  await attempt('restoring the bundles', () => restoreBundles(client, id, changes));
  if (changes.installed.length > 0) warnings.push(`rollback: ${changes.installed.join(' ')} stays installed`);
  // certifi files and keystores go back byte for byte, like the bundles.
  if (changes.appFiles.length > 0)
    await attempt(
      'restoring application stores',
      async () =>
        void (await client.putFiles(
          id,
          changes.appFiles.map((f) => ({ path: f.path, content: f.content, mode: 0o644 })),
        )),
    );
  await attempt('comparing the bundles', () => bundlesAsBefore(client, id, changes.bundles));
  if (changes.appFiles.length > 0)
    await attempt('comparing application stores', () => appFilesAsBefore(client, id, changes.appFiles));
  if (listing !== undefined)
    await attempt('comparing the trust store', () => storeAsBefore(client, id, changes, listing));
  else if (changes.anchors.length > 0)
    await attempt('checking the anchors are gone', () => anchorsGone(client, id, changes.anchors));
  if (gone) return 'container-removed';
  return complete ? 'done' : 'incomplete';
}
