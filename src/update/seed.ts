import type { ContainerClient } from '../docker/container-client.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import { inTrustDir } from '../system-store/trust-dirs.js';
import type { SeedTarget } from '../plan/plan.js';
import type { CertificateToInstall } from '../types.js';

/** Per bundle (real path), per certificate fingerprint: the exact text the seed appended. */
export type SeedTexts = Map<string, Map<string, string>>;

/**
 * Appends the CA to the existing bundles (or creates the only one) through the archive API,
 * before any package manager runs: behind the very proxy whose CA this is, the https
 * repositories are reachable only once the bundle trusts it (alpinelinux/docker-alpine#98).
 * Repositories are never switched to http and verification is never turned off.
 * Returns the real paths of the bundles written.
 */
export async function seedBundles(
  client: ContainerClient,
  id: string,
  targets: readonly SeedTarget[],
  snapshots: readonly BundleSnapshot[],
  certificates: readonly CertificateToInstall[],
  texts?: SeedTexts,
): Promise<string[]> {
  const files = targets.map((target) => {
    if (!inTrustDir(target.realPath))
      throw new Error(`${target.realPath} is outside the trust store directories; refusing to write it`);
    const snapshot = snapshots.find((s) => s.realPath === target.realPath && s.content !== undefined);
    const current = snapshot?.content?.toString('latin1') ?? '';
    const missing = certificates.filter((c) => !snapshot?.fingerprints.includes(c.certificate.fingerprint));
    const separator = current === '' || current.endsWith('\n') ? '' : '\n';
    // What each certificate added to this file, byte for byte: the record `remove` undoes.
    texts?.set(
      target.realPath,
      new Map(missing.map((c, i) => [c.certificate.fingerprint, (i === 0 ? separator : '') + c.certificate.pem])),
    );
    return {
      path: target.realPath,
      content: Buffer.from(current + separator + missing.map((c) => c.certificate.pem).join(''), 'latin1'),
      mode: 0o644,
    };
  });
  if (files.length > 0) await client.putFiles(id, files);
  return files.map((file) => file.path);
}
