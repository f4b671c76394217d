import { bundleVerified } from '../../check/https-check.js';
import { coveredSteps } from '../covered.js';
import { checkAll } from './check-steps.js';
import { progress, type PatchState } from './state.js';

/**
 * A store this container shares with another of the run: the first to claim it patches it
 * (and says how it ended through `lead.finish`); the others wait, verify and record that they
 * are covered. Returns true when this container was covered by another.
 */
export async function sharedStoreStep(state: PatchState): Promise<boolean> {
  const { client, certificates, options, readChain, shared } = state.context;
  const { info, draft } = state;
  const claim = shared?.claim(client.endpoint, info, state.writing);
  if (claim?.lead === false) {
    progress(state, 'waiting for the shared store');
    draft.coveredBy = claim.leader.name;
    const after = await coveredSteps({
      client,
      info,
      leader: claim.leader,
      family: state.plan.family,
      mounts: state.writing,
      certificates,
      check: () => checkAll(state, state.survey.tools.clients),
      refusal: { proxy: options.proxy, readChain },
      warnings: draft.warnings,
    });
    draft.check.after = after.map((c) => (c.tool === null ? bundleVerified(c) : c));
    return true;
  }
  state.lead.finish = claim?.finish;
  return false;
}
