import { bundleVerified, runCheck, type CheckResult } from '../check/https-check.js';
import type { TlsClient } from '../check/clients.js';
import { findTlsClients } from '../check/clients.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import { allPresent, snapshotBundles, verifyBundles } from './bundles.js';
import { ensureRunning, failureReason } from './container-state.js';
import { lockContainer, LockHeldError, type HeldLock, type LockHolder } from './lock.js';
import { makePlan, planSummary, type Plan } from './plan.js';
import { noChanges, rollBack, type Changes } from './rollback.js';
import { seedBundles } from './seed.js';
import { listStore, storeDirs } from './store-listing.js';
import { surveyContainer } from './survey.js';
import type { CertificateToInstall, ContainerResult, PatchMethod, PatchOptions, PlanSummary, ProgressListener } from './types.js';
import { runUpdatePath } from './update-path.js';
import { guardPlan } from './write-guard.js';

export interface PatchContext {
  client: ContainerClient;
  certificates: readonly CertificateToInstall[];
  options: PatchOptions;
  onProgress?: ProgressListener;
}

interface Draft {
  family: string | null;
  method: PatchMethod | null;
  check: { before: CheckResult[]; after: CheckResult[] };
  warnings: string[];
}

type Outcome = { status: 'patched' | 'already-trusted' } | { status: 'skipped'; reason: string } | { status: 'planned'; plan: PlanSummary };

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
  try {
    const outcome = await patchSteps(context, info, draft, changes, lock?.previous);
    await lock?.release();
    return { ...base(), ...outcome };
  } catch (error) {
    context.onProgress?.({ container: info.name, step: 'rolling back' });
    const rollback = await rollBack(context.client, info.id, changes, draft.warnings);
    const reason = await failureReason(context.client, info.id, error);
    // A half-patched container is remembered on this host, so that the next run patches it in full.
    if (rollback === 'incomplete') await lock?.leaveUnfinished(reason);
    else await lock?.release();
    return { ...base(), status: 'failed', reason, rollback };
  }
}

function skipReason(info: ContainerInfo): string | undefined {
  if (!info.running) return `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`;
  if (info.platform !== '' && !/^linux\b/i.test(info.platform)) return `container platform is ${info.platform}: only Linux trust stores can be patched`;
  return undefined;
}

/** Waits for another run on this host that patches the same container (half the time budget, at least 5s). */
function takeLock(context: PatchContext, info: ContainerInfo): Promise<HeldLock> {
  const { timeoutMs, lockDir } = context.options;
  return lockContainer(context.client.endpoint, info.id, {
    dir: lockDir,
    waitMs: Math.max(5_000, Math.floor(timeoutMs / 2)),
    holdMs: timeoutMs + 120_000,
    onWait: (holder) => context.onProgress?.({ container: info.name, step: `waiting for another trustpatch run${holder ? ` (pid ${holder.pid} on ${holder.hostname})` : ''} to finish` }),
  });
}

async function patchSteps(context: PatchContext, info: ContainerInfo, draft: Draft, changes: Changes, previous: LockHolder | undefined): Promise<Outcome> {
  const { client, certificates, options } = context;
  const step = (name: string) => context.onProgress?.({ container: info.name, step: name });
  step('detecting');
  const survey = await surveyContainer(client, info.id);
  draft.family = survey.detection.family.id;
  Object.assign(changes, { bundles: survey.bundles, rm: survey.tools.rm });
  const plan = makePlan(survey, certificates, options.install);
  const fingerprints = certificates.map((c) => c.certificate.fingerprint);
  let trusted = allPresent(survey.bundles, fingerprints) && (await anchorsPresent(client, info.id, plan));
  if (previous?.unfinished !== undefined) {
    // What it left may look trusted (a seeded bundle) without being complete: patch in full.
    draft.warnings.push(`an earlier run did not finish (${previous.unfinished})${trusted ? ': patching again in full' : ''}`);
    trusted = false;
  }
  if (!trusted) await guardPlan(client, info.id, plan, survey.bundles);
  if (options.dryRun) return trusted ? { status: 'already-trusted' } : { status: 'planned', plan: planSummary(plan) };
  step('checking before');
  draft.check.before = await checkAll(context, info, survey.tools.clients);
  if (trusted) {
    draft.check.after = draft.check.before.map((c) => (c.tool === null ? bundleVerified(c) : c));
    return { status: 'already-trusted' };
  }
  // The engine refuses archive writes to a read-only rootfs; say why before trying (FIELD-NOTES.md).
  if (info.readOnlyRootfs) throw new Error('read-only root filesystem: recreate the container from an image that trusts the CA');
  step('seeding bundle');
  await ensureRunning(client, info.id);
  const written = [...survey.bundles.filter((b) => b.content !== undefined).map((b) => b.realPath), ...plan.seeds.map((s) => s.realPath)];
  changes.store = await listStore(client, info.id, storeDirs(plan.family.anchorDir, written));
  // Recorded before writing: a write that fails half-way (a full disk) is undone too.
  changes.seeded = plan.seeds.map((seed) => seed.realPath);
  await seedBundles(client, info.id, plan.seeds, survey.bundles, certificates);
  let method = plan.method;
  if (method === 'update-command') method = await runUpdatePath(context, info, plan, survey, changes, draft.warnings);
  else if (plan.installNote !== undefined) draft.warnings.push(`${plan.installNote}: patched the bundle through the archive API`);
  step('verifying bundles');
  const problem = verifyBundles(survey.bundles, await snapshotBundles(client, info.id, survey.bundles.map((b) => b.path)), fingerprints);
  if (problem) throw new Error(problem);
  step('checking after');
  const clients = plan.install !== undefined ? await findTlsClients(client, info.id) : survey.tools.clients;
  const after = await checkAll(context, info, clients);
  draft.check.after = after.map((c) => (c.tool === null ? bundleVerified(c) : c));
  const failed = after.find((check) => !check.ok && check.tool !== null);
  if (failed) throw new Error(`the check still fails after the patch (${failed.detail}): is this the CA that signs ${failed.url}?`);
  // Without an update command the anchor is written last, once everything else held: with no
  // rm in the container, a rollback could not delete it.
  if (method === 'archive-only' && plan.anchors.length > 0) {
    await ensureRunning(client, info.id);
    changes.anchors.push(...plan.anchors.map((a) => a.path));
    await client.putFiles(info.id, plan.anchors);
  }
  const created = plan.seeds.find((seed) => seed.create);
  if (method === 'archive-only' && created) draft.warnings.push(`there was no CA bundle: created ${created.realPath} holding only this CA`);
  draft.method = method;
  return { status: 'patched' };
}

async function anchorsPresent(client: ContainerClient, id: string, plan: Plan): Promise<boolean> {
  for (const anchor of plan.anchors) {
    const file = await readContainerFile(client, id, anchor.path);
    if (file?.content.toString('latin1') !== anchor.content) return false;
  }
  return true;
}

async function checkAll(context: PatchContext, info: ContainerInfo, clients: readonly TlsClient[]): Promise<CheckResult[]> {
  const user = info.user === '' ? '0' : info.user;
  const results: CheckResult[] = [];
  for (const url of context.options.checkUrls) results.push(await runCheck(context.client, info.id, url, { proxy: context.options.proxy, user, clients }));
  return results;
}
