import { bundleVerified, runCheck, type CheckResult } from '../check/https-check.js';
import type { TlsClient } from '../check/clients.js';
import { findTlsClients } from '../check/clients.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import type { Detection } from '../distro/detect.js';
import { readContainerFile } from '../docker/files.js';
import { allPresent, snapshotBundles, verifyBundles } from '../system-store/bundles.js';
import { ensureRunning, failureReason, skipReason } from '../docker/container-state.js';
import { takeLock } from './container-lock.js';
import { LockHeldError, type HeldLock, type LockHolder } from './lock.js';
import { makePlan, planSummary, type Plan, type Survey } from '../plan/plan.js';
import { noChanges, rollBack, type Changes } from '../undo/rollback.js';
import { seedBundles } from '../update/seed.js';
import {
  fileIn,
  listingOf,
  listStore,
  mergeListings,
  readStore,
  storeDirs,
  uncoveredDirs,
  type StoreRead,
} from '../system-store/store-listing.js';
import { surveyContainer } from '../system-store/survey.js';
import type {
  CertificateToInstall,
  ContainerResult,
  PatchMethod,
  PatchOptions,
  PlanSummary,
  ProgressListener,
} from '../types.js';
import type { StoreOutcome } from '../app-stores/types.js';
import { runUpdatePath } from '../update/update-path.js';
import { readManifest } from '../record/store.js';
import { patchEntries, recordPatch } from '../record/record-patch.js';
import {
  appStoresHold,
  checkCertifiStores,
  confirmLinkedJava,
  patchAppStores,
  surveyAppStores,
} from '../app-stores/app-stores.js';
import { STORE_KINDS } from '../app-stores/types.js';
import type { SeedTexts } from '../update/seed.js';
import { systemPaths, withAppPlan } from '../plan/app-plan.js';
import { aftercare, restartStale } from './aftercare.js';
import { findShell } from '../runtimes/scan.js';
import type { GoProbes, RestartNote } from '../runtimes/restart-needed.js';
import { guardPlan } from '../system-store/write-guard.js';
import { missingDirs } from '../system-store/created-dirs.js';
import { MANIFEST_DIR } from '../record/manifest.js';
import type { SharedStores } from '../mounts/shared-stores.js';
import { mountStep } from '../plan/mount-step.js';
import { coveredSteps } from './covered.js';
import { judgeChecksAfter } from '../check/checks-after.js';
import type { ChainReader } from '../net/peer-chain.js';

export interface PatchContext {
  client: ContainerClient;
  certificates: readonly CertificateToInstall[];
  options: PatchOptions;
  onProgress?: ProgressListener;
  /** Shared by the containers of one run: see SurveyOptions.detections. */
  detections?: Map<string, Promise<Detection>>;
  /** Shared by the containers of one run: see ScanOptions.goBinaries. */
  goBinaries?: GoProbes;
  /** Shared by the containers of one run: stores on mounts that several of them share. */
  shared?: SharedStores;
  /** How a check URL's chain is read from where trustpatch runs (default: src/net/peer-chain.ts). */
  readChain?: ChainReader;
}

interface Draft {
  family: string | null;
  method: PatchMethod | null;
  check: { before: CheckResult[]; after: CheckResult[] };
  warnings: string[];
  stores?: StoreOutcome[];
  restartNeeded?: RestartNote[];
  restarted?: boolean;
  mounts?: ContainerResult['mounts'];
  coveredBy?: string;
}

/** Set when this container patches a store that others of the run share: called with how it ended. */
interface Lead {
  finish?: (ok: boolean) => void;
}

type Outcome =
  | { status: 'patched' | 'already-trusted' | 'covered' }
  | { status: 'skipped'; reason: string }
  | { status: 'planned'; plan: PlanSummary };

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
    const outcome = await patchSteps(context, info, draft, changes, lock?.previous, lead);
    lead.finish?.(outcome.status === 'patched' || outcome.status === 'already-trusted');
    await lock?.release();
    return { ...base(), ...outcome };
  } catch (error) {
    lead.finish?.(false);
    context.onProgress?.({ container: info.name, step: 'rolling back' });
    const rollback = await rollBack(context.client, info.id, changes, draft.warnings);
    const reason = await failureReason(context.client, info.id, error);
    // A half-patched container is remembered on this host, so that the next run patches it in full.
    if (rollback === 'incomplete') await lock?.leaveUnfinished(reason);
    else await lock?.release();
    return { ...base(), status: 'failed', reason, rollback };
  }
}

async function patchSteps(
  context: PatchContext,
  info: ContainerInfo,
  draft: Draft,
  changes: Changes,
  previous: LockHolder | undefined,
  lead: Lead,
): Promise<Outcome> {
  const { client, certificates, options } = context;
  const started = new Date();
  const step = (name: string) => context.onProgress?.({ container: info.name, step: name });
  step('detecting');
  const survey = await surveyContainer(client, info, {
    install: options.install,
    checks: options.checkUrls.length > 0,
    detections: context.detections,
  });
  draft.family = survey.detection.family.id;
  Object.assign(changes, { bundles: survey.bundles, rm: survey.tools.rm });
  const plan = makePlan(survey, certificates, options.install);
  const fingerprints = certificates.map((c) => c.certificate.fingerprint);
  const kinds = options.stores ?? STORE_KINDS;
  // Stores asked for by name are searched for everywhere; by default only where a Python or Java is.
  const apps = await surveyAppStores(client, info.id, kinds, systemPaths(survey), {
    onlyWithRuntime: options.stores === undefined ? info.env : undefined,
  });
  // A search that could not run is worth a warning only when the stores were asked for by name.
  if (options.stores !== undefined) draft.warnings.push(...apps.notes);
  let systemTrusted =
    !kinds.includes('system') ||
    (allPresent(survey.bundles, fingerprints) && (await anchorsPresent(client, info.id, plan, survey)));
  if (previous?.unfinished !== undefined && kinds.includes('system')) {
    // What it left may look trusted (a seeded bundle) without being complete: patch in full.
    draft.warnings.push(
      `an earlier run did not finish (${previous.unfinished})${systemTrusted ? ': patching again in full' : ''}`,
    );
    systemTrusted = false;
  }
  const trusted = systemTrusted && appStoresHold(apps, fingerprints);
  const writing = await mountStep(
    client,
    info,
    { plan, survey, apps, systemTrusted, trusted, throughMounts: options.throughMounts === true },
    draft,
  );
  if (!systemTrusted) await guardPlan(client, info.id, plan, survey.bundles);
  if (options.dryRun)
    return trusted
      ? { status: 'already-trusted' }
      : {
          status: 'planned',
          plan: withAppPlan(systemTrusted ? undefined : planSummary(plan), plan.family.id, apps, certificates),
        };
  step('checking before');
  draft.check.before = await checkAll(context, info, survey.tools.clients);
  if (trusted) {
    draft.check.after = draft.check.before.map((c) => (c.tool === null ? bundleVerified(c) : c));
    // --restart after an earlier add without it: the processes that still read the old trust.
    if (options.restart === true)
      await restartStale(client, info, { certificates, plan, survey, goBinaries: context.goBinaries }, draft);
    return { status: 'already-trusted' };
  }
  const claim = context.shared?.claim(client.endpoint, info, writing);
  if (claim?.lead === false) {
    step('waiting for the shared store');
    draft.coveredBy = claim.leader.name;
    const after = await coveredSteps({
      client,
      info,
      leader: claim.leader,
      family: plan.family,
      mounts: writing,
      certificates,
      check: () => checkAll(context, info, survey.tools.clients),
      refusal: { proxy: options.proxy, readChain: context.readChain },
      warnings: draft.warnings,
    });
    draft.check.after = after.map((c) => (c.tool === null ? bundleVerified(c) : c));
    return { status: 'covered' };
  }
  lead.finish = claim?.finish;
  // The engine refuses archive writes to a read-only rootfs; say why before trying (moby daemon/archive.go, ErrRootFSReadOnly).
  if (info.readOnlyRootfs)
    throw new Error('read-only root filesystem: recreate the container from an image that trusts the CA');
  const seedTexts: SeedTexts = new Map();
  let method: PatchMethod | null = null;
  let storeAfter: StoreRead | undefined;
  let createdDirs: string[] = [];
  if (!systemTrusted) {
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
    createdDirs = await missingDirs(
      client,
      info.id,
      [...plan.anchors.map((a) => a.path), ...plan.seeds.filter((s) => s.create).map((s) => s.realPath), MANIFEST_DIR],
      survey.store,
    );
    const seed = async () => {
      step('seeding bundle');
      await ensureRunning(client, info.id);
      // Recorded before writing: a write that fails half-way (a full disk) is undone too.
      changes.seeded = plan.seeds.map((s) => s.realPath);
      await seedBundles(client, info.id, plan.seeds, survey.bundles, certificates, seedTexts);
    };
    if (plan.seedFirst) await seed();
    method = plan.method;
    if (method === 'update-command') method = await runUpdatePath(context, info, plan, survey, changes, draft.warnings);
    else if (plan.installNote !== undefined)
      draft.warnings.push(`${plan.installNote}: patched the bundle through the archive API`);
    // The update command turned out unusable (e.g. exec format error): the seed is the patch now.
    if (method === 'archive-only' && !plan.seedFirst) await seed();
    step('verifying bundles');
    // The bundles' directories, read once: the bundles to verify and the links the update made.
    storeAfter = await readStore(
      client,
      info.id,
      storeDirs(
        undefined,
        survey.bundles.map((b) => b.path),
      ),
    );
    const problem = verifyBundles(
      survey.bundles,
      await snapshotBundles(
        client,
        info.id,
        survey.bundles.map((b) => b.path),
        storeAfter,
      ),
      fingerprints,
    );
    if (problem) throw new Error(problem);
  }
  step('application stores');
  const app = await patchAppStores(client, info.id, apps, certificates, changes.appFiles);
  if (changes.updateCommand !== undefined) await confirmLinkedJava(client, info.id, apps, app.outcomes, fingerprints);
  draft.stores = app.outcomes;
  step('checking after');
  const appProblem = await checkCertifiStores(client, info.id, apps, options.checkUrls, {
    proxy: options.proxy,
    user: info.user === '' ? '0' : info.user,
  });
  if (appProblem)
    throw new Error(`the check with a Python's certifi store still fails after the patch (${appProblem})`);
  const clients = plan.install !== undefined ? await findTlsClients(client, info.id) : survey.tools.clients;
  const after = await checkAll(context, info, clients);
  draft.check.after = after.map((c) => (c.tool === null ? bundleVerified(c) : c));
  await judgeChecksAfter(after, certificates, { proxy: options.proxy, readChain: context.readChain }, draft.warnings);
  // A server the client never reached says nothing about trust: keep the verified patch, but
  // say the proof is missing (the exit status is 1 for it).
  for (const check of after.filter((c) => c.failure === 'unreachable'))
    draft.warnings.push(
      `the check could not reach ${check.url} (${check.detail}): trust is in the bundle but not proven by a TLS connection`,
    );
  // Without an update command the anchor is written last, once everything else held: with no
  // rm in the container, a rollback could not delete it.
  if (method === 'archive-only' && plan.anchors.length > 0) {
    await ensureRunning(client, info.id);
    changes.anchors.push(...plan.anchors.map((a) => a.path));
    await client.putFiles(info.id, plan.anchors);
  }
  const created = plan.seeds.filter((seed) => seed.create).map((seed) => seed.realPath);
  if (method === 'archive-only' && created.length > 0)
    draft.warnings.push(`there was no CA bundle: created ${created.join(', ')} holding only this CA`);
  draft.method = method;
  step('recording');
  const anchors = new Map(
    certificates.flatMap((c, i) =>
      changes.anchors.includes(plan.anchors[i]?.path ?? '')
        ? [[c.certificate.fingerprint, plan.anchors[i]!.path] as const]
        : [],
    ),
  );
  const installCommands = changes.installed.length > 0 ? (plan.install?.commands ?? []) : [];
  const entries = withMounts(
    writing,
    patchEntries({
      certificates,
      family: plan.family.id,
      method,
      anchors,
      seedTexts,
      created: plan.seeds.filter((seed) => seed.create).map((seed) => seed.realPath),
      before: survey.bundles,
      app,
      changes,
      installCommands,
      createdDirs,
      temporary: options.temporary,
    }),
  );
  const record = await readManifest(client, info.id);
  if (record.problem !== undefined) draft.warnings.push(`${record.problem}: replaced with a new record`);
  await recordPatch(client, info.id, record.manifest, entries);
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
      since: started,
      anchor: certificates.length === 1 && changes.updateCommand !== undefined ? plan.anchors[0]?.path : undefined,
      store: storeAfter,
      goBinaries: context.goBinaries,
    },
    draft,
  );
  return { status: 'patched' };
}

async function anchorsPresent(client: ContainerClient, id: string, plan: Plan, survey: Survey): Promise<boolean> {
  for (const anchor of plan.anchors) {
    const known = fileIn(survey.store, anchor.path);
    const file = known === 'unknown' ? await readContainerFile(client, id, anchor.path) : known;
    if (file?.content.toString('latin1') !== anchor.content) return false;
  }
  return true;
}

async function checkAll(
  context: PatchContext,
  info: ContainerInfo,
  clients: readonly TlsClient[],
): Promise<CheckResult[]> {
  const user = info.user === '' ? '0' : info.user;
  const results: CheckResult[] = [];
  for (const url of context.options.checkUrls)
    results.push(await runCheck(context.client, info.id, url, { proxy: context.options.proxy, user, clients }));
  return results;
}

/** A patch through mounts says so in its record: the change lives on the host or in the volume. */
function withMounts<T extends object>(mounts: NonNullable<ContainerResult['mounts']>, entries: T[]): T[] {
  return mounts.length === 0 ? entries : entries.map((entry) => ({ ...entry, mounts }));
}
