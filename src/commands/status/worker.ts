import type { ContainerClient, ContainerInfo } from '../../docker/container-client.js';
import { readContainerFile } from '../../docker/files.js';
import { bundleFingerprints } from '../../cert/pem.js';
import { errorMessage } from '../../errors.js';
import { systemPaths } from '../../plan/app-plan.js';
import { surveyContainer } from '../../system-store/survey.js';
import { restartNotes, type RestartNote } from '../../runtimes/restart-needed.js';
import { findShell } from '../../runtimes/scan.js';
import { surveyAppStores } from '../../app-stores/app-stores.js';
import type { StoreKind } from '../../app-stores/types.js';
import type { HostStoreNote } from '../../mounts/mount-map.js';
import type { ManifestEntry } from '../../record/manifest.js';
import { readManifest } from '../../record/store.js';
import { expiredBecause, type TemporaryTrust } from '../../record/temporary.js';
import { hashLinked } from '../../system-store/links.js';
import { storeMounts, type StoreMount } from '../../mounts/mount-map.js';
import type { Survey } from '../../plan/plan.js';

/** Whether one store holds one certificate. */
export interface StorePresence {
  store: 'bundle' | 'anchor' | 'certifi' | 'java';
  path: string;
  present: boolean;
  /** True when trustpatch's record says it put the certificate there. */
  recorded: boolean;
}

export interface StatusCertificate {
  fingerprint: string;
  subject: string;
  name: string;
  addedAt: string;
  /** In every system bundle, in its anchor, and in every store the record names. */
  complete: boolean;
  stores: StorePresence[];
  /** Temporary trust (add --for / --until-interrupt): its record, and why it counts as expired (null: its session still holds it). */
  temporary?: TemporaryTrust & { expired: string | null };
}

export interface StatusContainerResult {
  id: string;
  name: string;
  image: string;
  family: string | null;
  /** `clean`: no trustpatch certificate; `complete` / `incomplete`: see StatusCertificate. */
  status: 'complete' | 'incomplete' | 'clean' | 'skipped' | 'failed';
  certificates: StatusCertificate[];
  restartNeeded: RestartNote[];
  /** The mounts the trust store (bundles, anchor directory, recorded files) is on. */
  mounts?: StoreMount[];
  /** When the store is a bind mount of this machine's own: what trustpatch added there (src/host/host-store-mounts.ts). */
  hostStore?: HostStoreNote;
  warnings: string[];
  reason?: string;
  durationMs: number;
}

/** What trustpatch's record says is in one container, checked against what is really there; changes nothing. */
export async function statusOf(
  client: ContainerClient,
  info: ContainerInfo,
  kinds: readonly StoreKind[],
): Promise<StatusContainerResult> {
  const started = Date.now();
  const result: StatusContainerResult = {
    id: info.id,
    name: info.name,
    image: info.image,
    family: null,
    status: 'clean',
    certificates: [],
    restartNeeded: [],
    warnings: [],
    durationMs: 0,
  };
  const done = (extra: Partial<StatusContainerResult>) => ({ ...result, ...extra, durationMs: Date.now() - started });
  if (!info.running)
    return done({
      status: 'skipped',
      reason: `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`,
    });
  try {
    const survey = await surveyContainer(client, info, { checks: false });
    result.family = survey.detection.family.id;
    result.mounts = storeMounts(info.mounts ?? [], storePaths(survey));
    const record = await readManifest(client, info.id);
    if (record.problem !== undefined) result.warnings.push(record.problem);
    if (record.manifest.entries.length === 0) return done({ status: 'clean' });
    const apps = await surveyAppStores(client, info.id, kinds, systemPaths(survey));
    const bundles = survey.bundles.filter(
      (b, i) => b.content !== undefined && survey.bundles.findIndex((o) => o.realPath === b.realPath) === i,
    );
    for (const entry of record.manifest.entries) {
      const stores: StorePresence[] = bundles.map((b) => ({
        store: 'bundle',
        path: b.path,
        present: b.fingerprints.includes(entry.fingerprint),
        recorded: entry.bundles.some((r) => r.path === b.realPath),
      }));
      if (entry.anchor !== null)
        stores.push({
          store: 'anchor',
          path: entry.anchor,
          present: await holds(client, info.id, entry.anchor, entry.fingerprint),
          recorded: true,
        });
      for (const path of new Set([
        ...entry.certifi.map((c) => c.path),
        ...apps.certifi.filter((s) => s.use === 'own').map((s) => s.realPath),
      ])) {
        stores.push({
          store: 'certifi',
          path,
          present: await holds(client, info.id, path, entry.fingerprint),
          recorded: entry.certifi.some((c) => c.path === path),
        });
      }
      for (const store of apps.java.filter((s) => s.fingerprints !== undefined)) {
        stores.push({
          store: 'java',
          path: store.path,
          present: store.fingerprints!.includes(entry.fingerprint),
          recorded: entry.java.some((j) => j.keystore === store.realPath),
        });
      }
      const complete = bundles.length > 0 && stores.every((s) => s.present || (!s.recorded && s.store !== 'bundle'));
      const temporary = entry.temporary && { ...entry.temporary, expired: expiredBecause(entry.temporary) ?? null };
      result.certificates.push({
        fingerprint: entry.fingerprint,
        subject: entry.subject,
        name: entry.name,
        addedAt: entry.addedAt,
        complete,
        stores,
        ...(temporary ? { temporary } : {}),
      });
    }
    const anchors = record.manifest.entries.map((e) => e.anchor);
    const linked =
      anchors.length > 0 &&
      anchors.every((a) => a !== null) &&
      (await Promise.all(anchors.map((a) => hashLinked(client, info.id, a!, survey.store)))).every(Boolean);
    result.restartNeeded = await restartNotes(
      client,
      info.id,
      { shell: await findShell(client, info.id) },
      {
        caFile: caFileFor(record.manifest.entries, bundles[0]?.realPath),
        since: latest(record.manifest.entries),
        hashLinked: linked,
      },
    );
    return done({ status: result.certificates.every((c) => c.complete) ? 'complete' : 'incomplete' });
  } catch (error) {
    return done({ status: 'failed', reason: errorMessage(error) });
  }
}

/** The system store's paths: the anchor directory and each bundle, at its path and its real path. */
function storePaths(survey: Survey): string[] {
  const anchorDir = survey.detection.family.anchorDir;
  return [
    ...(anchorDir === undefined ? [] : [anchorDir]),
    ...survey.bundles.filter((b) => b.content !== undefined).flatMap((b) => [b.path, b.realPath]),
  ];
}

async function holds(client: ContainerClient, id: string, path: string, fingerprint: string): Promise<boolean> {
  const file = await readContainerFile(client, id, path);
  return file !== undefined && bundleFingerprints(file.content.toString('latin1')).includes(fingerprint);
}

function caFileFor(entries: readonly ManifestEntry[], bundle: string | undefined): string {
  return entries.length === 1 && entries[0]!.anchor !== null
    ? entries[0]!.anchor
    : (bundle ?? '/etc/ssl/certs/ca-certificates.crt');
}

function latest(entries: readonly ManifestEntry[]): Date {
  return new Date(Math.max(...entries.map((e) => Date.parse(e.addedAt)).filter(Number.isFinite)));
}
