import { ensureRunning } from '../../docker/container-state.js';
import type { BundleSnapshot } from '../../system-store/bundles.js';
import { readAndScan } from '../../update/update-and-read.js';
import { captureReplica, replicaDiffers, replicationKey, type Replica } from '../../update/replication.js';
import { progress, type PatchState } from './state.js';

/** Whether a container of this image may share an update with another of the run: replication on, the image selected more than once. */
export function mayReplicate(context: PatchState['context'], imageId: string): boolean {
  return context.options.replicate !== false && context.replicas?.shared(imageId) === true;
}

/**
 * Before the update: whether this container can take the update's output from another of the
 * run with the same image and inputs (src/update/replication.ts). The first with a key leads:
 * it runs the update, and says what it changed once its bundles are verified (leadReplica).
 * The others wait for that: the replica, or undefined when they run the update themselves.
 */
export async function replicaToFollow(state: PatchState): Promise<Replica | undefined> {
  const { client, replicas } = state.context;
  const { info, plan, survey } = state;
  const update = survey.tools.update;
  if (replicas === undefined || update === undefined || !mayReplicate(state.context, info.imageId)) return undefined;
  // Not where an install runs, a seed goes first, or a write lands on a mount: those differ container by container.
  if (plan.install !== undefined || plan.seedFirst || state.writing.length > 0) return undefined;
  const key = await replicationKey(client, {
    info,
    family: plan.family,
    update,
    store: survey.store,
    digest: survey.inputs,
    anchors: plan.anchors,
  });
  if ('reason' in key) return undefined;
  const claim = replicas.claim(key.key, info);
  if (claim.lead) {
    // Only the leader reads the inputs through: the others of the key hold the same bytes.
    if ((await key.check()) === undefined) state.lead.replica = claim.finish;
    else claim.finish(undefined);
    return undefined;
  }
  progress(state, `waiting for ${claim.leader}'s update`);
  return claim.replica;
}

/**
 * A follower's write: the anchors and what the leader's update changed, in one archive; then
 * the bundles' directories read back must be, entry for entry, the leader's after its update.
 * False (a warning says where it differed) when they are not: the update then runs here.
 */
export async function replicateStep(state: PatchState, replica: Replica, dirs: readonly string[]): Promise<boolean> {
  const { client } = state.context;
  const { info, plan, changes, draft, survey } = state;
  progress(state, `replicating ${replica.from.name}'s update`);
  await ensureRunning(client, info.id);
  changes.anchors.push(...plan.anchors.map((a) => a.path));
  // A rollback reruns the update, which takes away the replicated links as it would its own.
  changes.updateCommand = survey.tools.update;
  await client.putFiles(info.id, [...plan.anchors, ...replica.writes]);
  // The read back and the restart advice's scan in one exec where a shell and tar are there.
  const { read: after, scanned } = await readAndScan(client, info.id, dirs);
  const differs = replicaDiffers(replica, after);
  if (differs !== undefined) {
    draft.warnings.push(
      `after replicating ${replica.from.name}'s update, ${differs} differed from it: ran the update here`,
    );
    changes.anchors.splice(changes.anchors.length - plan.anchors.length);
    return false;
  }
  state.storeAfter = after;
  state.scanned = scanned;
  draft.replicatedFrom = replica.from.name;
  return true;
}

/** The leader, its bundles verified: what its update changed, for the containers that follow it. */
export function leadReplica(state: PatchState, after: readonly BundleSnapshot[]): void {
  const finish = state.lead.replica;
  if (finish === undefined) return;
  if (state.method !== 'update-command' || state.storeAfter === undefined || state.draft.replicatedFrom !== undefined) {
    finish(undefined);
    return;
  }
  const replica = captureReplica(
    { id: state.info.id, name: state.info.name },
    state.survey.store,
    state.storeAfter,
    { before: state.survey.bundles, after },
    state.plan.anchors.map((a) => a.path),
    state.fingerprints,
  );
  finish('reason' in replica ? undefined : replica);
}
