import type { ContainerClient, FileToWrite } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { errorMessage } from '../errors.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import type { RollbackOutcome } from '../types.js';
import type { SavedFile } from '../app-stores/app-stores.js';

/** What a removal changed so far, and therefore what putting it back means. */
export interface RemoveChanges {
  bundles: BundleSnapshot[];
  /** Anchor files deleted or emptied, with their content. */
  anchors: FileToWrite[];
  /** Set once the update command ran: it runs again after the anchors are back. */
  updateCommand: readonly string[] | undefined;
  /** certifi files and keystores as they were. */
  saved: SavedFile[];
  /** Bundles trustpatch had created and deleted again (real paths). */
  deletedBundles: string[];
}

export function noRemoveChanges(): RemoveChanges {
  return { bundles: [], anchors: [], updateCommand: undefined, saved: [], deletedBundles: [] };
}

/**
 * Puts a container back as it was before a failed removal: anchors written again, the update
 * rerun so its links come back, then every bundle, certifi file and keystore byte for byte.
 */
export async function restoreAfterRemove(
  client: ContainerClient,
  id: string,
  changes: RemoveChanges,
  warnings: string[],
): Promise<RollbackOutcome> {
  if (
    changes.anchors.length === 0 &&
    changes.updateCommand === undefined &&
    changes.saved.length === 0 &&
    !(await bundlesDiffer(client, id, changes.bundles))
  )
    return 'not-needed';
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      warnings.push(`rollback: ${what} failed: ${errorMessage(error)}`);
    }
  };
  if (changes.anchors.length > 0) await attempt('writing the anchors back', () => client.putFiles(id, changes.anchors));
  if (changes.updateCommand !== undefined)
    await attempt(`\`${changes.updateCommand.join(' ')}\``, () => client.exec(id, changes.updateCommand!));
  const files = [
    ...changes.bundles.filter((b) => b.content !== undefined).map((b) => ({ path: b.realPath, content: b.content! })),
    ...changes.saved,
  ];
  const distinct = files.filter((f, i) => files.findIndex((o) => o.path === f.path) === i);
  await attempt('restoring the files', () =>
    client.putFiles(
      id,
      distinct.map((f) => ({ path: f.path, content: f.content, mode: 0o644 })),
    ),
  );
  let same = false;
  await attempt('comparing the files', async () => {
    same = true;
    for (const file of distinct)
      if (!(await readContainerFile(client, id, file.path))?.content.equals(file.content)) same = false;
  });
  if (!same) warnings.push('rollback: a file still differs from its state before the removal');
  return same ? 'done' : 'incomplete';
}

async function bundlesDiffer(
  client: ContainerClient,
  id: string,
  bundles: readonly BundleSnapshot[],
): Promise<boolean> {
  for (const bundle of bundles) {
    if (bundle.content === undefined) continue;
    const now = await readContainerFile(client, id, bundle.realPath).catch(() => undefined);
    if (!now?.content.equals(bundle.content)) return true;
  }
  return false;
}
