import type { ContainerClient } from '../../docker/container-client.js';
import { readContainerFile } from '../../docker/files.js';
import { appStoresHold, surveyAppStores } from '../../app-stores/app-stores.js';
import { STORE_KINDS } from '../../app-stores/types.js';
import { systemPaths } from '../../plan/app-plan.js';
import { allPresent } from '../../system-store/bundles.js';
import { makePlan, type Plan, type Survey } from '../../plan/plan.js';
import { fileIn, readStore } from '../../system-store/store-listing.js';
import { storeReadOf } from '../../system-store/store-read-exec.js';
import { surveyContainer, type PreRead } from '../../system-store/survey.js';
import { ProbeCache } from '../probe-cache.js';
import { families, generic } from '../../distro/families.js';
import { findShell } from '../../runtimes/scan.js';
import type { Family } from '../../distro/family.js';
import { replicationInputs } from '../../update/replication.js';
import { mayReplicate } from './replicate-step.js';
import { progress, type PatchRun, type PatchState } from './state.js';

/**
 * Step 1: reads the container (family, tools, trust store, application stores), plans the
 * patch and says whether every store asked for already holds every certificate.
 */
export async function surveyStep(run: PatchRun): Promise<PatchState> {
  const { client, certificates, options } = run.context;
  const { info, draft, changes } = run;
  progress(run, 'detecting');
  const execReads = options.dryRun !== true;
  const survey = await surveyContainer(client, info, {
    install: options.install,
    checks: options.checkUrls.length > 0,
    detections: run.context.detections,
    execReads,
    // A dry run runs nothing inside the container, not even a read-only probe: stats and archive reads only.
    preRead: execReads ? (dirs, family) => prefetchProbes(run, dirs, family) : undefined,
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
  if (run.previous?.unfinished !== undefined && kinds.includes('system')) {
    // What it left may look trusted (a seeded bundle) without being complete: patch in full.
    draft.warnings.push(
      `an earlier run did not finish (${run.previous.unfinished})${systemTrusted ? ': patching again in full' : ''}`,
    );
    systemTrusted = false;
  }
  return {
    ...run,
    survey,
    plan,
    apps,
    kinds,
    fingerprints,
    systemTrusted,
    trusted: systemTrusted && appStoresHold(apps, fingerprints),
    writing: [],
    method: null,
    seedTexts: new Map(),
    storeAfter: undefined,
    scanned: undefined,
    createdDirs: [],
    app: undefined,
  };
}

async function anchorsPresent(client: ContainerClient, id: string, plan: Plan, survey: Survey): Promise<boolean> {
  for (const anchor of plan.anchors) {
    const known = fileIn(survey.store, anchor.path);
    const file = known === 'unknown' ? await readContainerFile(client, id, anchor.path) : known;
    if (file?.content.toString('latin1') !== anchor.content) return false;
  }
  return true;
}

/** Every family's update commands and package managers: what the probe of tools may ask for. */
const FAMILY_PROGRAMS = [...families, generic].flatMap((family) => [
  ...family.updateCommands.map((argv) => argv[0]!),
  ...family.installers.map((installer) => installer.manager),
]);

/**
 * Where the container has a shell, its programs are probed with one exec (src/patch/probe-cache.ts),
 * which also reads the store directories `dirs` with the container's tar where it has one (their
 * StoreRead, or none when they are to be read as without it: store-read-exec.ts) and, where the
 * update may be replicated, hashes the update's other inputs (src/update/replication.ts).
 */
async function prefetchProbes(run: PatchRun, dirs: readonly string[], family: Family): Promise<PreRead> {
  const { client } = run.context;
  const { info } = run;
  if (!(client instanceof ProbeCache)) return {};
  const shell = await findShell(client, info.id);
  if (shell === undefined) return {};
  if (dirs.length === 0) {
    await client.prefetch(info, shell, FAMILY_PROGRAMS);
    return {};
  }
  const inputs = mayReplicate(run.context, info.imageId) ? replicationInputs(family) : [];
  const { tar, inputsSha256 } = await client.prefetchWithTar(info, shell, FAMILY_PROGRAMS, dirs, inputs);
  const digest = inputsSha256 === undefined ? {} : { inputs: { paths: inputs, sha256: inputsSha256 } };
  if (tar === undefined) return digest;
  // As the separate tar read: an archive not plainly complete, or a tar that failed, is read through the archive API.
  const store =
    (tar === 'failed' ? undefined : await storeReadOf(tar, dirs)) ?? (await readStore(client, info.id, dirs));
  return { store, ...digest };
}
