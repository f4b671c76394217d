import type { CheckResult } from '../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import type { Family } from '../distro/family.js';
import { MountRefusedError } from '../mounts/mount-policy.js';
import { mountFor } from '../mounts/mount-map.js';
import type { StoreMount } from '../mounts/mount-map.js';
import type { Leader } from '../mounts/shared-stores.js';
import type { ManifestEntry } from '../record/manifest.js';
import { recordPatch } from '../record/record-patch.js';
import { readManifest } from '../record/store.js';
import { VERSION } from '../version.js';
import { snapshotBundles } from '../system-store/bundles.js';
import { judgeChecksAfter } from '../check/checks-after.js';
import type { RefusalOptions } from '../check/refusal.js';
import type { CertificateToInstall } from '../types.js';

export interface CoveredInput {
  client: ContainerClient;
  info: ContainerInfo;
  leader: Leader;
  family: Family;
  mounts: StoreMount[];
  certificates: readonly CertificateToInstall[];
  /** The run's checks, after the leader's patch. */
  check: () => Promise<CheckResult[]>;
  /** How a refusal is judged (src/check/refusal.ts); its warnings go to `warnings`. */
  refusal: RefusalOptions;
  warnings: string[];
}

/**
 * A container whose trust store is shared with one patched earlier in this run: nothing is
 * written to the store again. Waits for that patch, verifies that the bundles on the shared
 * mounts hold every certificate, runs the checks, and records that it is covered (so that
 * `remove` through this container finds the patch). Throws when the store does not hold it.
 */
export async function coveredSteps(input: CoveredInput): Promise<CheckResult[]> {
  const { client, info, leader } = input;
  if (!(await leader.done))
    throw new MountRefusedError(`the trust store is shared with ${leader.name}, whose patch failed`);
  const shared = input.family.bundles.filter((path) =>
    input.mounts.some((m) => mountFor(info.mounts ?? [], path)?.destination === m.destination),
  );
  const bundles = await snapshotBundles(client, info.id, shared);
  const fingerprints = input.certificates.map((c) => c.certificate.fingerprint);
  const lacking = bundles.filter(
    (b) => b.content !== undefined && fingerprints.some((fp) => !b.fingerprints.includes(fp)),
  );
  if (lacking.length > 0 || bundles.every((b) => b.content === undefined))
    throw new Error(
      `the store shared with ${leader.name} does not hold the certificate after its patch (${(lacking[0] ?? bundles[0])?.path ?? 'no bundle'})`,
    );
  const after = await input.check();
  await judgeChecksAfter(after, input.certificates, input.refusal, input.warnings);
  const addedAt = new Date().toISOString();
  const entries: ManifestEntry[] = input.certificates.map(({ certificate, name }) => ({
    fingerprint: certificate.fingerprint,
    subject: certificate.subject,
    name,
    family: input.family.id,
    method: null,
    anchor: null,
    bundles: [],
    certifi: [],
    java: [],
    commands: [],
    addedAt,
    trustpatchVersion: VERSION,
    mounts: input.mounts,
    coveredBy: { id: leader.id, name: leader.name },
  }));
  const record = await readManifest(client, info.id);
  await recordPatch(client, info.id, record.manifest, entries);
  return after;
}
