import type { ContainerInfo } from '../docker/container-client.js';
import { failureReason, skipReason } from '../docker/container-state.js';
import { takeLock } from './container-lock.js';
import { LockHeldError, type HeldLock } from './lock.js';
import { noChanges, rollBack } from '../undo/rollback.js';
import { ProbeCache } from './probe-cache.js';
import { alreadyTrustedStep, checkAfterStep, checkBeforeStep } from './steps/check-steps.js';
import { aftercareStep, appStoresStep, lastAnchorStep, recordStep } from './steps/finish-steps.js';
import { dryRunOutcome, guardStep } from './steps/guard-step.js';
import { sharedStoreStep } from './steps/shared-step.js';
import type { Draft, Lead, Outcome, PatchContext, PatchRun } from './steps/state.js';
import { surveyStep } from './steps/survey-step.js';
import { snapshotStep, verifyStep, writeSystemStep } from './steps/system-store-steps.js';
import type { ContainerResult } from '../types.js';

export type { PatchContext } from './steps/state.js';

/** Patches one container and says what happened; a container's own trouble never throws. */
export async function patchContainer(context: PatchContext, info: ContainerInfo): Promise<ContainerResult> {
  const started = Date.now();
  const draft: Draft = { family: null, method: null, check: { before: [], after: [] }, warnings: [] };
  const base = () => ({ id: info.id, name: info.name, image: info.image, ...draft, durationMs: Date.now() - started });
  const changes = noChanges();
  const skip = skipReason(info);
  if (skip !== undefined) return { ...base(), status: 'skipped', reason: skip };
  let lock: HeldLock | undefined;
  try {
    lock = context.options.dryRun ? undefined : await takeLock(context, info);
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    return { ...base(), status: 'failed', reason: error.message, rollback: 'not-needed' };
  }
  const lead: Lead = {};
  try {
    // The steps' stats of programs come from one probe where a shell is (src/patch/probe-cache.ts);
    // a dry run runs nothing in the container, so it asks the engine for each.
    const probing = context.options.dryRun ? context : { ...context, client: new ProbeCache(context.client) };
    const run: PatchRun = {
      context: probing,
      info,
      started: new Date(),
      previous: lock?.previous,
      lead,
      draft,
      changes,
    };
    const outcome = await patchSteps(run);
    lead.finish?.(outcome.status === 'patched' || outcome.status === 'already-trusted');
    lead.replica?.(undefined);
    await lock?.release();
    return { ...base(), ...outcome };
  } catch (error) {
    lead.finish?.(false);
    lead.replica?.(undefined);
    context.onProgress?.({ container: info.name, step: 'rolling back' });
    const rollback = await rollBack(context.client, info.id, changes, draft.warnings);
    const reason = await failureReason(context.client, info.id, error);
    // A half-patched container is remembered on this host, so that the next run patches it in full.
    if (rollback === 'incomplete') await lock?.leaveUnfinished(reason);
    else await lock?.release();
    return { ...base(), status: 'failed', reason, rollback };
  }
}

/**
 * The patch as named steps over one state object (src/patch/steps/state.ts); each step is in
 * src/patch/steps/. docs/how-add-works.md walks through them.
 */
async function patchSteps(run: PatchRun): Promise<Outcome> {
  const state = await surveyStep(run);
  await guardStep(state);
  if (run.context.options.dryRun) return dryRunOutcome(state);
  await checkBeforeStep(state);
  if (state.trusted) {
    await alreadyTrustedStep(state);
    return { status: 'already-trusted' };
  }
  if (await sharedStoreStep(state)) return { status: 'covered' };
  await snapshotStep(state);
  await writeSystemStep(state);
  await verifyStep(state);
  await appStoresStep(state);
  await checkAfterStep(state);
  await lastAnchorStep(state);
  await recordStep(state);
  await aftercareStep(state);
  return { status: 'patched' };
}
