import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { errorMessage } from '../errors.js';
import { restartCures, restartNotes, type GoProbes, type RestartNote } from '../runtimes/restart-needed.js';
import { hashLinked } from '../system-store/links.js';
import { readManifest } from '../record/store.js';
import { findShell, type ScannedProcess } from '../runtimes/scan.js';
import type { Plan, Survey } from '../plan/plan.js';
import type { StoreRead } from '../system-store/store-listing.js';
import type { CertificateToInstall } from '../types.js';

export interface Aftercare {
  restartNeeded?: RestartNote[];
  restarted?: boolean;
  warnings: string[];
}

/**
 * After a successful patch: which running processes will not see the CA (Node.js, Go, JVMs),
 * and with `--restart` a restart through the engine, after which they are looked at again.
 * Its own trouble is a warning: the patch itself stands.
 */
export interface AftercareOptions {
  shell: string | undefined;
  caFile: string;
  /**
   * true: restart the container. `if-needed` (a container trusted by an earlier run): restart
   * it only when a process started before `since` still needs it.
   */
  restart: boolean | 'if-needed';
  /** When the CA went in: now for a patch, the record's time for an earlier run's. */
  since: Date;
  anchor: string | undefined;
  /** The bundles' directories as read after the update: where its links are looked up. */
  store?: StoreRead;
  /** Shared by the containers of one run: see ScanOptions.goBinaries. */
  goBinaries?: GoProbes;
  /** The processes as read after the write, for the advice without a restart (ScanOptions.scanned). */
  scanned?: ScannedProcess[];
}

export async function aftercare(
  client: ContainerClient,
  info: ContainerInfo,
  options: AftercareOptions,
  draft: Aftercare,
): Promise<void> {
  try {
    const linked = options.anchor !== undefined && (await hashLinked(client, info.id, options.anchor, options.store));
    const scan = { shell: options.shell, imageId: info.imageId, goBinaries: options.goBinaries };
    if (options.restart === 'if-needed') {
      const stale = await restartNotes(client, info.id, scan, {
        caFile: options.caFile,
        since: options.since,
        hashLinked: linked,
      });
      draft.restartNeeded = stale;
      // Only when a restart is all they need: a rerun must not restart again and again for a
      // Node.js that also needs NODE_EXTRA_CA_CERTS, or for a program whose start is unknown.
      if (!stale.some(restartCures)) return;
      await client.restart(info.id);
      draft.restarted = true;
      // Every process started after the CA went in has read it (the restarted ones included).
      draft.restartNeeded = await restartNotes(client, info.id, scan, {
        caFile: options.caFile,
        since: options.since,
        hashLinked: linked,
      });
    } else if (options.restart) {
      await client.restart(info.id);
      draft.restarted = true;
      draft.restartNeeded = await restartNotes(client, info.id, scan, {
        caFile: options.caFile,
        since: options.since,
        hashLinked: linked,
      });
    } else {
      draft.restartNeeded = await restartNotes(
        client,
        info.id,
        { ...scan, scanned: options.scanned },
        { caFile: options.caFile, hashLinked: linked },
      );
    }
  } catch (error) {
    draft.warnings.push(
      `${options.restart !== false && draft.restarted !== true ? 'restarting the container' : 'looking for processes that need a restart'} failed: ${errorMessage(error)}`,
    );
  }
}

/**
 * `add --restart` on a container an earlier run patched: restart it if a process started
 * before that run still needs only a restart (aftercare's `if-needed`).
 */
export async function restartStale(
  client: ContainerClient,
  info: ContainerInfo,
  run: { certificates: readonly CertificateToInstall[]; plan: Plan; survey: Survey; goBinaries?: GoProbes },
  draft: Aftercare,
): Promise<void> {
  const { certificates, plan, survey } = run;
  const fingerprints = new Set(certificates.map((c) => c.certificate.fingerprint));
  const record = await readManifest(client, info.id);
  const times = record.manifest.entries
    .filter((e) => fingerprints.has(e.fingerprint))
    .map((e) => Date.parse(e.addedAt))
    .filter(Number.isFinite);
  // Trusted without a record of ours (put in by hand or by the image): every such process counts.
  const since = times.length > 0 ? new Date(Math.max(...times)) : new Date();
  const anchor = certificates.length === 1 ? plan.anchors[0]?.path : undefined;
  const caFile = anchor ?? survey.bundles.find((b) => b.content !== undefined)?.realPath ?? plan.family.bundles[0]!;
  await aftercare(
    client,
    info,
    {
      shell: await findShell(client, info.id),
      caFile,
      restart: 'if-needed',
      since,
      anchor,
      goBinaries: run.goBinaries,
    },
    draft,
  );
}
