import { bundleFingerprints } from '../cert/pem.js';
import type { ContainerClient } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { fileIn, type StoreRead } from './store-listing.js';

/** One bundle file as it was read: the basis for verifying and for rolling back. */
export interface BundleSnapshot {
  path: string;
  realPath: string;
  /** Undefined when the bundle did not exist. */
  content: Buffer | undefined;
  fingerprints: string[];
}

/**
 * Reads the bundles, links followed. With `read`, each comes from those directories as already
 * read, and only a bundle the read cannot tell about costs a request of its own.
 */
export async function snapshotBundles(
  client: ContainerClient,
  id: string,
  paths: readonly string[],
  read?: StoreRead,
): Promise<BundleSnapshot[]> {
  return Promise.all(
    paths.map(async (path) => {
      const known = read === undefined ? 'unknown' : fileIn(read, path);
      const file = known === 'unknown' ? await readContainerFile(client, id, path) : known;
      const content = file?.content;
      return {
        path,
        realPath: file?.realPath ?? path,
        content,
        fingerprints: content ? bundleFingerprints(content.toString('latin1')) : [],
      };
    }),
  );
}

/** True when there is a bundle and every fingerprint is in every bundle that exists. */
export function allPresent(bundles: readonly BundleSnapshot[], fingerprints: readonly string[]): boolean {
  const existing = bundles.filter((bundle) => bundle.content !== undefined);
  return (
    existing.length > 0 && existing.every((bundle) => fingerprints.every((fp) => bundle.fingerprints.includes(fp)))
  );
}

/**
 * Why the bundles after a patch are not acceptable, or undefined when they are: each must hold
 * every new fingerprint exactly once (unless it was there twice already) and must not have lost
 * any certificate it had before (an update can shrink a bundle: rancher/k3os#518).
 */
export function verifyBundles(
  before: readonly BundleSnapshot[],
  after: readonly BundleSnapshot[],
  wanted: readonly string[],
): string | undefined {
  if (after.every((bundle) => bundle.content === undefined))
    return `no bundle exists after the patch (looked at ${after.map((b) => b.path).join(', ')})`;
  for (const [index, bundle] of after.entries()) {
    const old = before[index]!;
    if (bundle.content === undefined && old.content === undefined) continue;
    if (bundle.content === undefined) return `${bundle.path} is missing after the update`;
    const missing = wanted.filter((fp) => !bundle.fingerprints.includes(fp));
    if (missing.length > 0) return `${bundle.path} does not contain the certificate after the patch`;
    const lost = old.fingerprints.filter((fp) => !bundle.fingerprints.includes(fp));
    if (lost.length > 0)
      return `${bundle.path} lost ${lost.length} certificate(s) in the patch (${old.fingerprints.length} before, ${bundle.fingerprints.length} after)`;
    for (const fp of wanted) {
      const count = bundle.fingerprints.filter((other) => other === fp).length;
      const countBefore = old.fingerprints.filter((other) => other === fp).length;
      if (count > Math.max(1, countBefore)) return `${bundle.path} holds the certificate ${count} times`;
    }
  }
  return undefined;
}
