import type { ContainerClient } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { errorMessage } from '../errors.js';
import {
  emptyManifest,
  MANIFEST_DIR,
  MANIFEST_PATH,
  parseManifest,
  serializeManifest,
  type Manifest,
} from './manifest.js';

/** A manifest as read from a container, and why it could not be used (then `manifest` is empty). */
export interface ReadManifest {
  manifest: Manifest;
  /** True when the file exists, even if it could not be parsed. */
  exists: boolean;
  problem: string | undefined;
}

/** Reads the record through the archive API (no shell needed); a missing file is an empty record. */
export async function readManifest(client: ContainerClient, id: string): Promise<ReadManifest> {
  const file = await readContainerFile(client, id, MANIFEST_PATH);
  if (file === undefined) return { manifest: emptyManifest(), exists: false, problem: undefined };
  try {
    return { manifest: parseManifest(file.content.toString('utf8')), exists: true, problem: undefined };
  } catch (error) {
    return {
      manifest: emptyManifest(),
      exists: true,
      problem: `${MANIFEST_PATH} cannot be read (${errorMessage(error)})`,
    };
  }
}

/** Writes the record through the archive API, so it works in containers without a shell. */
export async function writeManifest(client: ContainerClient, id: string, manifest: Manifest): Promise<void> {
  await client.putFiles(id, [{ path: MANIFEST_PATH, content: serializeManifest(manifest), mode: 0o644 }]);
}

/**
 * Once nothing is left to record: deletes the file where the container has `rm`, else (the
 * archive API cannot delete) leaves an empty record. Returns what was done, for the report.
 */
export async function clearManifest(
  client: ContainerClient,
  id: string,
  rm: string | undefined,
): Promise<'deleted' | 'emptied'> {
  if (rm !== undefined) {
    // The directory is trustpatch's own (README: "The record"), so it goes too.
    const run = await client.exec(id, [rm, '-r', '-f', '--', MANIFEST_DIR]);
    if (run.exitCode === 0) return 'deleted';
  }
  await writeManifest(client, id, emptyManifest());
  return 'emptied';
}
