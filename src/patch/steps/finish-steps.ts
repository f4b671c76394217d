import type { StoreMount } from '../../mounts/mount-map.js';
import { patchEntries, recordPatch } from '../../record/record-patch.js';
import { readManifest } from '../../record/store.js';
import { findShell } from '../../runtimes/scan.js';
import { confirmLinkedJava, patchAppStores } from '../../app-stores/app-stores.js';
import { aftercare } from '../aftercare.js';
import { ensureRunning } from '../../docker/container-state.js';
import { progress, type PatchState } from './state.js';

/** Application stores (certifi files, Java keystores): written, then a keystore linked to the system store confirmed. */
export async function appStoresStep(state: PatchState): Promise<void> {
  const { client, certificates } = state.context;
  const { info, apps, changes } = state;
  progress(state, 'application stores');
  state.app = await patchAppStores(client, info.id, apps, certificates, changes.appFiles);
  if (changes.updateCommand !== undefined)
    await confirmLinkedJava(client, info.id, apps, state.app.outcomes, state.fingerprints);
  state.draft.stores = state.app.outcomes;
}

/**
 * Without an update command the anchor is written last, once everything else held. A rollback
 * deletes with the container's rm, which a container that was stopped or paused under the patch
 * cannot run; a bundle it restores through the archive API, which works on either.
 */
export async function lastAnchorStep(state: PatchState): Promise<void> {
  const { client } = state.context;
  const { info, plan, changes, method, draft } = state;
  if (method === 'archive-only' && plan.anchors.length > 0) {
    await ensureRunning(client, info.id);
    changes.anchors.push(...plan.anchors.map((a) => a.path));
    await client.putFiles(info.id, plan.anchors);
  }
  const created = plan.seeds.filter((seed) => seed.create).map((seed) => seed.realPath);
  if (method === 'archive-only' && created.length > 0)
    draft.warnings.push(`there was no CA bundle: created ${created.join(', ')} holding only this CA`);
  draft.method = method;
}

/** The record, written last: what `remove` and `status` read. */
export async function recordStep(state: PatchState): Promise<void> {
  const { client, certificates, options } = state.context;
  const { info, plan, changes } = state;
  progress(state, 'recording');
  const anchors = new Map(
    certificates.flatMap((c, i) =>
      changes.anchors.includes(plan.anchors[i]?.path ?? '')
        ? [[c.certificate.fingerprint, plan.anchors[i]!.path] as const]
        : [],
    ),
  );
  const installCommands = changes.installed.length > 0 ? (plan.install?.commands ?? []) : [];
  const entries = withMounts(
    state.writing,
    patchEntries({
      certificates,
      family: plan.family.id,
      method: state.method,
      anchors,
      seedTexts: state.seedTexts,
      created: plan.seeds.filter((seed) => seed.create).map((seed) => seed.realPath),
      before: state.survey.bundles,
      app: state.app,
      changes,
      installCommands,
      createdDirs: state.createdDirs,
      temporary: options.temporary,
    }),
  );
  const record = await readManifest(client, info.id);
  if (record.problem !== undefined) state.draft.warnings.push(`${record.problem}: replaced with a new record`);
  await recordPatch(client, info.id, record.manifest, entries);
}

/** Processes that need a restart to see the CA, and `--restart`. */
export async function aftercareStep(state: PatchState): Promise<void> {
  const { client, certificates, options, goBinaries } = state.context;
  const { info, plan, changes, survey } = state;
  const caFile =
    certificates.length === 1 && plan.anchors[0] !== undefined && changes.anchors.includes(plan.anchors[0].path)
      ? plan.anchors[0].path
      : (survey.bundles.find((b) => b.content !== undefined)?.realPath ?? plan.family.bundles[0]!);
  await aftercare(
    client,
    info,
    {
      shell: await findShell(client, info.id),
      caFile,
      restart: options.restart === true,
      since: state.started,
      anchor: certificates.length === 1 && changes.updateCommand !== undefined ? plan.anchors[0]?.path : undefined,
      store: state.storeAfter,
      goBinaries,
      scanned: state.scanned,
    },
    state.draft,
  );
}

/** A patch through mounts says so in its record: the change lives on the host or in the volume. */
function withMounts<T extends object>(mounts: StoreMount[], entries: T[]): T[] {
  return mounts.length === 0 ? entries : entries.map((entry) => ({ ...entry, mounts }));
}
