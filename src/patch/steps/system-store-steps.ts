import { MANIFEST_DIR } from '../../record/manifest.js';
import { snapshotBundles, verifyBundles } from '../../system-store/bundles.js';
import { ensureRunning } from '../../docker/container-state.js';
import { missingDirs } from '../../system-store/created-dirs.js';
import { seedBundles } from '../../update/seed.js';
import { listingOf, listStore, mergeListings, storeDirs, uncoveredDirs } from '../../system-store/store-listing.js';
import { runUpdatePath } from '../../update/update-path.js';
import { readAndScan, type ReadAfterUpdate } from '../../update/update-and-read.js';
import { leadReplica, replicaToFollow, replicateStep } from './replicate-step.js';
import { progress, type PatchState } from './state.js';

/**
 * Before the first write: the trust store as a rollback restores it (the survey's read, plus
 * any directory a bundle links out to) and the directories the writes will create.
 */
export async function snapshotStep(state: PatchState): Promise<void> {
  const { client } = state.context;
  const { info, plan, survey, changes } = state;
  // The engine refuses archive writes to a read-only rootfs; say why before trying (moby daemon/archive.go, ErrRootFSReadOnly).
  if (info.readOnlyRootfs)
    throw new Error('read-only root filesystem: recreate the container from an image that trusts the CA');
  if (state.systemTrusted) return;
  await ensureRunning(client, info.id);
  // The survey read the store; a bundle that links out of those directories is listed now.
  const written = [
    ...survey.bundles.filter((b) => b.content !== undefined).map((b) => b.realPath),
    ...plan.seeds.map((s) => s.realPath),
  ];
  const more = uncoveredDirs(survey.store.dirs, storeDirs(plan.family.anchorDir, written));
  changes.store =
    more.length === 0
      ? listingOf(survey.store)
      : mergeListings(listingOf(survey.store), await listStore(client, info.id, more));
  state.createdDirs = await missingDirs(
    client,
    info.id,
    [...plan.anchors.map((a) => a.path), ...plan.seeds.filter((s) => s.create).map((s) => s.realPath), MANIFEST_DIR],
    survey.store,
  );
}

/**
 * The system store's writes: the seed (first when a package manager will run or it is the
 * whole patch), then the anchor, install and update command, or the seed when the update
 * turned out unusable.
 */
export async function writeSystemStep(state: PatchState): Promise<void> {
  if (state.systemTrusted) return;
  const { plan } = state;
  state.method = plan.method;
  if (plan.seedFirst) await seedStep(state);
  if (state.method === 'update-command') {
    // The verification read rides along with the update where a shell and tar are there.
    const after: ReadAfterUpdate = { dirs: bundleDirs(state) };
    const replica = await replicaToFollow(state);
    if (replica !== undefined && (await replicateStep(state, replica, after.dirs))) return;
    const { context, info, survey, changes, draft } = state;
    state.method = await runUpdatePath(context, info, plan, survey, changes, draft.warnings, after);
    if (state.method === 'update-command') Object.assign(state, { storeAfter: after.read, scanned: after.scanned });
  } else if (plan.installNote !== undefined)
    state.draft.warnings.push(`${plan.installNote}: patched the bundle through the archive API`);
  // The update command turned out unusable (e.g. exec format error): the seed is the patch now.
  if (state.method === 'archive-only' && !plan.seedFirst) await seedStep(state);
}

/** Appends the CA to the bundles through the archive API. */
async function seedStep(state: PatchState): Promise<void> {
  const { client, certificates } = state.context;
  const { info, plan, changes } = state;
  progress(state, 'seeding bundle');
  await ensureRunning(client, info.id);
  // Recorded before writing: a write that fails half-way (a full disk) is undone too.
  changes.seeded = plan.seeds.map((s) => s.realPath);
  await seedBundles(client, info.id, plan.seeds, state.survey.bundles, certificates, state.seedTexts);
}

/** Every bundle holds each certificate exactly once and lost none: else this throws (a rollback follows). */
export async function verifyStep(state: PatchState): Promise<void> {
  if (state.systemTrusted) return;
  const { client } = state.context;
  const { info, survey } = state;
  progress(state, 'verifying bundles');
  const paths = survey.bundles.map((b) => b.path);
  // The bundles' directories, read once (with the update, or now with the restart advice's scan): the bundles to verify and the links the update made.
  if (state.storeAfter === undefined) {
    const made = await readAndScan(client, info.id, bundleDirs(state));
    state.storeAfter = made.read;
    state.scanned ??= made.scanned;
  }
  const after = await snapshotBundles(client, info.id, paths, state.storeAfter);
  const problem = verifyBundles(survey.bundles, after, state.fingerprints);
  if (problem) throw new Error(problem);
  leadReplica(state, after);
}

/** The directories of the family's bundles: what is read after the update. */
function bundleDirs(state: PatchState): string[] {
  return storeDirs(
    undefined,
    state.survey.bundles.map((b) => b.path),
  );
}
