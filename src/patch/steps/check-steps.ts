import type { TlsClient } from '../../check/clients.js';
import { findTlsClients } from '../../check/clients.js';
import { bundleVerified, runCheck, type CheckResult } from '../../check/https-check.js';
import { checkCertifiStores } from '../../app-stores/app-stores.js';
import { restartStale } from '../aftercare.js';
import { judgeChecksAfter } from '../../check/checks-after.js';
import { progress, type PatchRun, type PatchState } from './state.js';

/** Step 3: the checks before anything is written. */
export async function checkBeforeStep(state: PatchState): Promise<void> {
  progress(state, 'checking before');
  state.draft.check.before = await checkAll(state, state.survey.tools.clients);
}

/** Nothing to write: the checks before stand for after; `--restart` may still restart stale processes. */
export async function alreadyTrustedStep(state: PatchState): Promise<void> {
  const { client, certificates, options, goBinaries } = state.context;
  const { draft } = state;
  draft.check.after = draft.check.before.map((c) => (c.tool === null ? bundleVerified(c) : c));
  // --restart after an earlier add without it: the processes that still read the old trust.
  if (options.restart === true)
    await restartStale(client, state.info, { certificates, plan: state.plan, survey: state.survey, goBinaries }, draft);
}

/**
 * The checks after the patch: a Python's certifi store, then every check URL. Throws when
 * trust is refused (a rollback follows); a server that was not reached is a warning.
 */
export async function checkAfterStep(state: PatchState): Promise<void> {
  const { client, certificates, options, readChain } = state.context;
  const { info, draft } = state;
  progress(state, 'checking after');
  const appProblem = await checkCertifiStores(client, info.id, state.apps, options.checkUrls, {
    proxy: options.proxy,
    user: info.user === '' ? '0' : info.user,
  });
  if (appProblem)
    throw new Error(`the check with a Python's certifi store still fails after the patch (${appProblem})`);
  const clients = state.plan.install !== undefined ? await findTlsClients(client, info.id) : state.survey.tools.clients;
  const after = await checkAll(state, clients);
  draft.check.after = after.map((c) => (c.tool === null ? bundleVerified(c) : c));
  await judgeChecksAfter(after, certificates, { proxy: options.proxy, readChain }, draft.warnings);
  // A server the client never reached says nothing about trust: keep the verified patch, but
  // say the proof is missing (the exit status is 1 for it).
  for (const check of after.filter((c) => c.failure === 'unreachable'))
    draft.warnings.push(
      `the check could not reach ${check.url} (${check.detail}): trust is in the bundle but not proven by a TLS connection`,
    );
}

/** Every check URL with the given clients, as the container's user. */
export async function checkAll(run: PatchRun, clients: readonly TlsClient[]): Promise<CheckResult[]> {
  const { context, info } = run;
  const user = info.user === '' ? '0' : info.user;
  const results: CheckResult[] = [];
  for (const url of context.options.checkUrls)
    results.push(await runCheck(context.client, info.id, url, { proxy: context.options.proxy, user, clients }));
  return results;
}
