import { bundleFingerprints } from '../cert/pem.js';
import type { ContainerClient } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { ContainerCommandError, tail } from '../errors.js';
import type { ManifestEntry } from '../record/manifest.js';
import { deleteArgv, parseKeytoolList, STOREPASS } from '../app-stores/java.js';
import type { RemoveChanges } from './restore.js';
import { stripAppended } from './strip.js';
import type { RemovedCertificate } from './types.js';

/**
 * Deletes the anchor when it still holds this very certificate; without rm it is emptied
 * instead (the archive API cannot delete), so no later update brings the CA back.
 */
export async function removeAnchor(
  client: ContainerClient,
  id: string,
  entry: ManifestEntry,
  rm: string | undefined,
  changes: RemoveChanges,
  done: RemovedCertificate,
  left: string[],
): Promise<void> {
  if (entry.anchor === null) return;
  const file = await readContainerFile(client, id, entry.anchor);
  if (file === undefined) return;
  if (
    !bundleFingerprints(file.content.toString('latin1')).includes(entry.fingerprint) ||
    file.realPath !== entry.anchor
  ) {
    left.push(`${entry.anchor} no longer holds the certificate trustpatch wrote: left alone`);
    return;
  }
  changes.anchors.push({ path: entry.anchor, content: file.content, mode: 0o644 });
  if (rm !== undefined) {
    const run = await client.exec(id, [rm, '-f', '--', entry.anchor]);
    if (run.exitCode !== 0) throw new Error(`could not remove ${entry.anchor}: ${tail(run.stderr || run.stdout, 1)}`);
    done.anchor = 'deleted';
    return;
  }
  await client.putFiles(id, [{ path: entry.anchor, content: '', mode: 0o644 }]);
  done.anchor = 'emptied';
}

/** Cuts the marked CA out of each certifi file trustpatch appended it to. */
export async function removeCertifi(
  client: ContainerClient,
  id: string,
  entry: ManifestEntry,
  changes: RemoveChanges,
  done: RemovedCertificate,
  left: string[],
): Promise<void> {
  for (const record of entry.certifi) {
    const file = await readContainerFile(client, id, record.path);
    const text = file?.content.toString('latin1');
    const stripped = text === undefined ? undefined : stripAppended(text, record.text);
    if (file === undefined || stripped === undefined) {
      left.push(`${record.path} no longer holds what trustpatch appended (replaced by an upgrade?): nothing to remove`);
      continue;
    }
    if (!changes.saved.some((s) => s.path === file.realPath))
      changes.saved.push({ path: file.realPath, content: file.content });
    await client.putFiles(id, [{ path: file.realPath, content: Buffer.from(stripped, 'latin1'), mode: 0o644 }]);
    done.certifi.push(record.path);
  }
}

/** Deletes trustpatch's alias from each keystore, only where it still names this certificate. */
export async function removeJava(
  client: ContainerClient,
  id: string,
  entry: ManifestEntry,
  changes: RemoveChanges,
  done: RemovedCertificate,
  left: string[],
): Promise<void> {
  for (const record of entry.java) {
    const listed = await client.exec(
      id,
      [record.keytool, '-list', '-alias', record.alias, '-keystore', record.keystore, '-storepass', STOREPASS],
      { timeoutMs: 60_000 },
    );
    if (listed.exitCode !== 0 || !parseKeytoolList(listed.stdout).includes(entry.fingerprint)) {
      left.push(`${record.keystore} has no alias ${record.alias} for this certificate: nothing to remove`);
      continue;
    }
    const file = await client.getArchive(id, record.keystore);
    if (file?.[0]?.type === 'file' && !changes.saved.some((s) => s.path === record.keystore))
      changes.saved.push({ path: record.keystore, content: file[0].content });
    const argv = deleteArgv(record.keytool, record.keystore, record.alias);
    const run = await client.exec(id, argv, { timeoutMs: 60_000 });
    if (run.exitCode !== 0)
      throw new ContainerCommandError(argv, run.exitCode, run.stdout + run.stderr, {
        shown: `keytool -delete -alias ${record.alias}`,
        where: `on ${record.keystore}`,
        lines: 1,
      });
    done.java.push(record.keystore);
  }
}

/** Cuts the seeded text out of each bundle (archive-only patches: no update command rebuilds them). */
export async function stripBundles(
  client: ContainerClient,
  id: string,
  entry: ManifestEntry,
  rm: string | undefined,
  changes: RemoveChanges,
  done: RemovedCertificate,
  left: string[],
): Promise<void> {
  for (const record of entry.bundles) {
    const file = await readContainerFile(client, id, record.path);
    const stripped = file === undefined ? undefined : stripAppended(file.content.toString('latin1'), record.text);
    if (file === undefined || stripped === undefined) {
      left.push(`${record.path} no longer holds the text trustpatch appended: nothing to cut`);
      continue;
    }
    // A bundle trustpatch created (there was none) goes again once it holds nothing else.
    if (record.created === true && stripped.trim() === '' && rm !== undefined) {
      const run = await client.exec(id, [rm, '-f', '--', file.realPath]);
      if (run.exitCode !== 0)
        throw new Error(`could not remove ${file.realPath}: ${tail(run.stderr || run.stdout, 1)}`);
      changes.deletedBundles.push(file.realPath);
    } else await client.putFiles(id, [{ path: file.realPath, content: Buffer.from(stripped, 'latin1'), mode: 0o644 }]);
    done.bundles.push(record.path);
  }
}
