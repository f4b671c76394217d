import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { ContainerCommandError, errorMessage } from '../errors.js';
import { snapshotBundles } from '../system-store/bundles.js';
import { surveyContainer } from '../system-store/survey.js';
import type { PlanSummary, ProgressListener } from '../types.js';
import { MANIFEST_DIR, type ManifestEntry } from '../record/manifest.js';
import { clearManifest, readManifest, writeManifest } from '../record/store.js';
import { deleteArgv } from '../app-stores/java.js';
import { removeAnchor, removeCertifi, removeJava, stripBundles } from './remove-steps.js';
import { orphanLinks } from '../system-store/links.js';
import { findProgram } from '../check/clients.js';
import { removeCreatedDirs } from '../system-store/created-dirs.js';
import { noRemoveChanges, restoreAfterRemove, type RemoveChanges } from './restore.js';
import { matchEntries, type RemoveTarget } from './target.js';
import type { RemovedCertificate, RemoveResult } from './types.js';
import { dropCovered, removeThroughLeaders } from './shared-removal.js';

export interface RemoveContext {
  client: ContainerClient;
  target: RemoveTarget;
  dryRun?: boolean;
  onProgress?: ProgressListener;
  /** Ids of the containers this run removes from: a covered container's store is then undone through its own selected leader. */
  selected?: ReadonlySet<string>;
}

type Draft = Pick<RemoveResult, 'family' | 'removed' | 'counts' | 'left' | 'warnings' | 'record'>;
type Outcome =
  | { status: 'removed' | 'not-present' }
  | { status: 'skipped'; reason: string }
  | { status: 'planned'; plan: PlanSummary };

/** Takes out of one container exactly what trustpatch's record says it added; never throws. */
export async function removeFromContainer(context: RemoveContext, info: ContainerInfo): Promise<RemoveResult> {
  const started = Date.now();
  const draft: Draft = { family: null, removed: [], counts: [], left: [], warnings: [], record: null };
  const base = () => ({ id: info.id, name: info.name, image: info.image, ...draft, durationMs: Date.now() - started });
  const changes = noRemoveChanges();
  try {
    const outcome = await removeSteps(context, info, draft, changes);
    return { ...base(), ...outcome };
  } catch (error) {
    context.onProgress?.({ container: info.name, step: 'rolling back' });
    const rollback = await restoreAfterRemove(context.client, info.id, changes, draft.warnings);
    return { ...base(), status: 'failed', reason: errorMessage(error), rollback };
  }
}

async function removeSteps(
  context: RemoveContext,
  info: ContainerInfo,
  draft: Draft,
  changes: RemoveChanges,
): Promise<Outcome> {
  const { client } = context;
  const step = (name: string) => context.onProgress?.({ container: info.name, step: name });
  if (!info.running)
    return {
      status: 'skipped',
      reason: `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`,
    };
  step('detecting');
  const survey = await surveyContainer(client, info, { checks: false });
  draft.family = survey.detection.family.id;
  changes.bundles = survey.bundles;
  const record = await readManifest(client, info.id);
  if (record.problem !== undefined) draft.warnings.push(`${record.problem}: without a record nothing is removed`);
  const matched = matchEntries(record.manifest.entries, context.target);
  if (typeof matched === 'string') throw new Error(matched);
  draft.left.push(...unrecorded(context.target, matched, survey.bundles));
  if (matched.length === 0) return { status: 'not-present' };
  // Entries of a container covered by a shared store: the removal happens where the store was patched.
  const covered = matched.filter((e) => e.coveredBy !== undefined);
  const own = matched.filter((e) => e.coveredBy === undefined);
  const update = own.some((e) => e.method === 'update-command') ? survey.tools.update : undefined;
  if (context.dryRun) return { status: 'planned', plan: removalPlan(draft.family, matched, update) };
  if (info.readOnlyRootfs) throw new Error('read-only root filesystem: nothing can be removed (nothing was changed)');
  // A leader selected in this run undoes the shared store itself: never two removals in it at once.
  const delegated = covered.filter((e) => context.selected?.has(e.coveredBy!.id) !== true);
  if (delegated.length > 0) {
    step('removing through the shared store');
    for (const through of await removeThroughLeaders(client, delegated, (target, leader) =>
      removeFromContainer({ ...context, target, selected: undefined }, leader),
    )) {
      draft.removed.push(...through.removed);
      draft.counts.push(...through.counts);
      draft.left.push(
        ...through.left,
        ...through.warnings.map((w) => `${through.name}: ${w}`),
        `removed through ${through.name}, through which the shared trust store was patched`,
      );
    }
  }
  step('removing');
  for (const entry of own) {
    const done: RemovedCertificate = {
      fingerprint: entry.fingerprint,
      subject: entry.subject,
      name: entry.name,
      anchor: null,
      bundles: [],
      certifi: [],
      java: [],
    };
    draft.removed.push(done);
    await removeAnchor(client, info.id, entry, survey.tools.rm, changes, done, draft.left);
    await removeCertifi(client, info.id, entry, changes, done, draft.left);
    await removeJava(client, info.id, entry, changes, done, draft.left);
    // An update command rebuilds the bundles from the anchors that are left; without one, cut the text.
    if (entry.method !== 'update-command' || update === undefined)
      await stripBundles(client, info.id, entry, survey.tools.rm, changes, done, draft.left);
  }
  if (update !== undefined) {
    step('updating trust store');
    changes.updateCommand = update;
    const run = await client.exec(info.id, update, { user: '0' });
    if (run.timedOut || run.exitCode !== 0)
      throw new ContainerCommandError(update, run.exitCode, run.stderr || run.stdout, { timedOut: run.timedOut });
    for (const done of draft.removed)
      done.bundles = [...new Set(matched.find((e) => e.fingerprint === done.fingerprint)!.bundles.map((b) => b.path))];
    const orphans = await orphanLinks(
      client,
      info.id,
      changes.anchors.map((a) => a.path),
    );
    if (orphans.length > 0 && survey.tools.rm !== undefined)
      await client.exec(info.id, [survey.tools.rm, '-f', '--', ...orphans]);
  }
  step('verifying bundles');
  // Nothing removed here (a leader selected in this run does it, maybe right now): nothing to verify here either.
  if (own.length > 0 || delegated.length > 0) await verifyRemoval(client, info.id, changes, matched, draft);
  else
    draft.left.push(
      `the shared trust store is undone through ${covered[0]!.coveredBy!.name}, also selected in this run`,
    );
  step('recording');
  const remaining = record.manifest.entries.filter((e) => !matched.includes(e)).map((e) => ({ ...e }));
  const createdDirs = matched.flatMap((e) => e.createdDirs ?? []);
  if (remaining.length > 0 || record.problem !== undefined) {
    // The directories still hold what the other certificates need: their entries keep them.
    if (createdDirs.length > 0 && remaining[0])
      remaining[0].createdDirs = [...new Set([...(remaining[0].createdDirs ?? []), ...createdDirs])];
    await writeManifest(client, info.id, { ...record.manifest, entries: remaining });
    draft.record = 'updated';
  } else {
    draft.record = await clearManifest(client, info.id, survey.tools.rm);
    const kept = await removeCreatedDirs(
      client,
      info.id,
      draft.record === 'deleted'
        ? createdDirs
        : createdDirs.filter((d) => d !== MANIFEST_DIR && !MANIFEST_DIR.startsWith(`${d}/`)),
      await findProgram(client, info.id, 'rmdir'),
    );
    for (const dir of kept)
      draft.left.push(`${dir}: created by trustpatch's add, not empty now (or no rmdir): left in place`);
  }
  for (const name of await dropCovered(client, info.id, own))
    draft.left.push(
      `${name}: its record no longer lists the certificate: the shared trust store it was covered by is undone`,
    );
  return { status: 'removed' };
}

/**
 * Every certificate that was in a bundle is still there, except the removed ones; a removed one
 * that is still there was not trustpatch's (another anchor, the distribution): left, and said so.
 */
async function verifyRemoval(
  client: ContainerClient,
  id: string,
  changes: RemoveChanges,
  matched: readonly ManifestEntry[],
  draft: Draft,
): Promise<void> {
  const removed = new Set(matched.map((e) => e.fingerprint));
  const after = await snapshotBundles(
    client,
    id,
    changes.bundles.map((b) => b.path),
  );
  for (const [index, bundle] of changes.bundles.entries()) {
    const now = after[index]!;
    if (bundle.content === undefined || draft.counts.some((c) => c.path === bundle.realPath)) continue;
    if (now.content === undefined && changes.deletedBundles.includes(bundle.realPath)) continue;
    if (now.content === undefined) throw new Error(`${bundle.path} is missing after the removal`);
    const lost = bundle.fingerprints.filter((fp) => !removed.has(fp) && !now.fingerprints.includes(fp));
    if (lost.length > 0)
      throw new Error(
        `${bundle.path} lost ${lost.length} other certificate(s) in the removal (${bundle.fingerprints.length} before, ${now.fingerprints.length} after)`,
      );
    draft.counts.push({ path: bundle.realPath, before: bundle.fingerprints.length, after: now.fingerprints.length });
    for (const entry of matched) {
      if (now.fingerprints.includes(entry.fingerprint))
        draft.left.push(
          `${bundle.path} still holds ${entry.name}: trustpatch did not add that copy (another anchor or the distribution's): left in place`,
        );
    }
  }
}

/** Certificates asked for by file that trustpatch has no record of, though a bundle holds them. */
function unrecorded(
  target: RemoveTarget,
  matched: readonly ManifestEntry[],
  bundles: readonly { path: string; fingerprints: string[] }[],
): string[] {
  if (target.kind !== 'certificates') return [];
  return target.fingerprints.flatMap((fp, i) => {
    if (matched.some((e) => e.fingerprint === fp)) return [];
    const holder = bundles.find((b) => b.fingerprints.includes(fp));
    return holder
      ? [`${holder.path} holds ${target.subjects[i]}, but trustpatch has no record of adding it: left in place`]
      : [];
  });
}

function removalPlan(
  family: string | null,
  matched: readonly ManifestEntry[],
  update: readonly string[] | undefined,
): PlanSummary {
  const files = matched.flatMap((e) => [
    ...(e.anchor ? [e.anchor] : []),
    ...(e.method !== 'update-command' || update === undefined ? e.bundles.map((b) => b.path) : []),
    ...e.certifi.map((c) => c.path),
  ]);
  const commands = [
    ...matched.flatMap((e) => e.java.map((j) => deleteArgv(j.keytool, j.keystore, j.alias))),
    ...(update ? [[...update]] : []),
  ];
  return { family: family ?? 'unknown', files: [...new Set(files)], commands, check: null };
}
