import { runCheck, type CheckResult } from '../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { pathExists, readContainerFile } from '../docker/files.js';
import { familyFor, readOsRelease } from '../distro/detect.js';
import type { Family } from '../distro/family.js';
import { errorMessage, tail } from '../errors.js';
import { allPresent, snapshotBundles, verifyBundles } from './bundles.js';
import { rollBack, type Changes } from './rollback.js';
import type { CertificateToInstall, ContainerResult, PatchOptions, ProgressListener } from './types.js';

export interface PatchContext {
  client: ContainerClient;
  certificates: readonly CertificateToInstall[];
  options: PatchOptions;
  onProgress?: ProgressListener;
}

type Outcome = { status: 'patched' | 'already-trusted' } | { status: 'skipped'; reason: string };

/** Patches one container and says what happened; a container's own trouble never throws. */
export async function patchContainer(context: PatchContext, info: ContainerInfo): Promise<ContainerResult> {
  const started = Date.now();
  const result = { id: info.id, name: info.name, image: info.image, family: null as string | null, method: null as string | null, check: { before: [] as CheckResult[], after: [] as CheckResult[] }, warnings: [] as string[] };
  const changes: Changes = { anchors: [], bundles: [], updateCommand: undefined };
  try {
    const outcome = await patchSteps(context, info, result, changes);
    return { ...result, ...outcome, durationMs: Date.now() - started };
  } catch (error) {
    context.onProgress?.({ container: info.name, step: 'rolling back' });
    const rollback = await rollBack(context.client, info.id, changes, result.warnings);
    return { ...result, status: 'failed', reason: errorMessage(error), rollback, durationMs: Date.now() - started };
  }
}

async function patchSteps(context: PatchContext, info: ContainerInfo, result: { family: string | null; method: string | null; check: { before: CheckResult[]; after: CheckResult[] }; warnings: string[] }, changes: Changes): Promise<Outcome> {
  const { client } = context;
  const step = (name: string) => context.onProgress?.({ container: info.name, step: name });
  if (!info.running) return { status: 'skipped', reason: `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}` };
  step('detecting');
  const release = await readOsRelease(client, info.id);
  const family = release && familyFor(release);
  if (!family) throw new Error(`unsupported distribution (${release?.prettyName ?? 'no /etc/os-release'})`);
  result.family = family.id;
  step('checking before');
  result.check.before = await checkAll(context, info);
  changes.bundles = await snapshotBundles(client, info.id, family.bundles);
  const fingerprints = context.certificates.map((c) => c.certificate.fingerprint);
  if (allPresent(changes.bundles, fingerprints) && (await anchorsPresent(context, info.id, family))) {
    result.check.after = result.check.before;
    return { status: 'already-trusted' };
  }
  // The engine refuses archive writes to a read-only rootfs; say why before trying (FIELD-NOTES.md).
  if (info.readOnlyRootfs) throw new Error('read-only root filesystem: recreate the container from an image that trusts the CA (nothing was changed)');
  step('writing certificate');
  const files = context.certificates.map((c) => ({ path: `${family.anchorDir}/${c.name}${family.anchorExtension}`, content: c.certificate.pem, mode: 0o644 }));
  await client.putFiles(info.id, files);
  changes.anchors.push(...files.map((f) => f.path));
  await installIfNeeded(context, info, family, result.warnings, step);
  step('updating trust store');
  changes.updateCommand = family.updateCommand;
  await runOrThrow(context, info.id, family.updateCommand!);
  result.method = 'update-command';
  const problem = verifyBundles(changes.bundles, await snapshotBundles(client, info.id, family.bundles), fingerprints);
  if (problem) throw new Error(problem);
  step('checking after');
  result.check.after = await checkAll(context, info);
  const failed = result.check.after.find((check) => !check.ok && check.tool !== null);
  if (failed) throw new Error(`the check still fails after the patch (${failed.detail}): is this the CA that signs ${failed.url}?`);
  return { status: 'patched' };
}

async function anchorsPresent(context: PatchContext, id: string, family: Family): Promise<boolean> {
  for (const { certificate, name } of context.certificates) {
    const file = await readContainerFile(context.client, id, `${family.anchorDir}/${name}${family.anchorExtension}`);
    if (file?.content.toString('latin1') !== certificate.pem) return false;
  }
  return true;
}

async function checkAll(context: PatchContext, info: ContainerInfo): Promise<CheckResult[]> {
  const user = info.user === '' ? '0' : info.user;
  const results: CheckResult[] = [];
  for (const url of context.options.checkUrls) results.push(await runCheck(context.client, info.id, url, { proxy: context.options.proxy, user }));
  return results;
}

async function installIfNeeded(context: PatchContext, info: ContainerInfo, family: Family, warnings: string[], step: (name: string) => void): Promise<void> {
  const mode = context.options.install;
  const present = family.updateCommand !== undefined && (await pathExists(context.client, info.id, family.updateCommand[0]!));
  if (mode === 'never' || (mode === 'auto' && present)) {
    if (!present) throw new Error(`${family.updateCommand?.[0] ?? 'the update command'} is missing and --install never was given`);
    return;
  }
  step(`installing ${family.package}`);
  for (const argv of family.installCommands) {
    const run = await context.client.exec(info.id, argv, { env: [...family.installEnv], timeoutMs: context.options.timeoutMs });
    if (run.exitCode === 0) continue;
    const why = run.timedOut ? 'timed out' : `exited with ${run.exitCode}: ${tail(run.stderr || run.stdout, 2)}`;
    if (!present) throw new Error(`installing ${family.package} failed: \`${argv.join(' ')}\` ${why}`);
    warnings.push(`installing ${family.package} failed (\`${argv.join(' ')}\` ${why}); used the update command already there`);
    return;
  }
}

async function runOrThrow(context: PatchContext, id: string, argv: readonly string[]): Promise<void> {
  const run = await context.client.exec(id, argv, { timeoutMs: context.options.timeoutMs });
  if (run.timedOut) throw new Error(`\`${argv.join(' ')}\` timed out after ${context.options.timeoutMs} ms`);
  if (run.exitCode !== 0) throw new Error(`\`${argv.join(' ')}\` exited with ${run.exitCode}: ${tail(run.stderr || run.stdout)}`);
}
