import { withAppPlan } from '../../plan/app-plan.js';
import { mountStep } from '../../plan/mount-step.js';
import { planSummary } from '../../plan/plan.js';
import { guardPlan } from '../../system-store/write-guard.js';
import type { Outcome, PatchState } from './state.js';

/**
 * Step 2, before anything is written: where the writes land (the container's filesystem or
 * mounts that may be written) and that no planned write leaves the trust store directories.
 * Throws when one may not be written.
 */
export async function guardStep(state: PatchState): Promise<void> {
  const { client, options } = state.context;
  const { plan, survey, apps, systemTrusted, trusted } = state;
  state.writing = await mountStep(
    client,
    state.info,
    { plan, survey, apps, systemTrusted, trusted, throughMounts: options.throughMounts === true },
    state.draft,
  );
  if (!systemTrusted) await guardPlan(client, state.info.id, plan, survey.bundles);
}

/** A dry run ends here: what it would do, or that nothing is needed. */
export function dryRunOutcome(state: PatchState): Outcome {
  const { plan, apps, systemTrusted } = state;
  return state.trusted
    ? { status: 'already-trusted' }
    : {
        status: 'planned',
        plan: withAppPlan(
          systemTrusted ? undefined : planSummary(plan),
          plan.family.id,
          apps,
          state.context.certificates,
        ),
      };
}
