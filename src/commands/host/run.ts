import { realpath, stat } from 'node:fs/promises';
import { loadCertificates } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import type { Certificate } from '../../cert/certificate.js';
import { DeadlineClient } from '../../docker/deadline-client.js';
import { UserError } from '../../errors.js';
import { LocalClient } from '../../host/local-client.js';
import { hostRestartAdvice } from '../../host/restart-advice.js';
import { patchContainer } from '../../patch/patch-container.js';
import type { CertificateToInstall, ContainerResult, ProgressListener } from '../../types.js';
import { statusOf, type StatusContainerResult } from '../status/worker.js';
import { removeFromContainer } from '../../undo/remove-container.js';
import { resolveTarget, type RemoveTarget } from '../../undo/target.js';
import type { RemoveResult } from '../../undo/types.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../fleet.js';

/** What every `host` command is given: which tree, and how this process may change it. */
export interface HostOptions {
  /** An offline root filesystem instead of this machine (`--root DIR`). */
  root?: string;
  timeoutMs?: number;
  /** Whether this process runs as root (default: its effective uid is 0). */
  isRoot?: boolean;
  /** The command line to print, behind sudo, when root is needed. */
  commandLine?: string;
  onProgress?: ProgressListener;
}

export interface HostAddOptions extends HostOptions {
  certificate: string;
  name?: string;
  password?: string;
  allowExpired?: boolean;
  /** As add's: a certificate neither CA nor self-signed is refused unless this is set. */
  allowLeaf?: boolean;
  checkUrls?: readonly string[];
  proxy?: string;
  dryRun?: boolean;
  lockDir?: string;
}

export interface HostAddReport {
  root: string;
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
  result: ContainerResult;
  /** What still needs a restart on this machine (the Docker daemon); empty for a --root tree. */
  advice: string[];
}

/**
 * `trustpatch host add`: the container pipeline (patchContainer) on this machine's tree or on
 * `--root DIR`, through the local client. Only the system store, and never a package install:
 * changing the host's packages is its administrator's business.
 */
export async function runHostAdd(options: HostAddOptions): Promise<HostAddReport> {
  const loaded = await loadCertificates(options.certificate, {
    password: options.password,
    allowExpired: options.allowExpired,
    allowLeaf: options.allowLeaf,
    validate: true,
  });
  const installed = installNames(loaded.certificates, options.name);
  const { root, client } = await openRoot(options, !options.dryRun);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const patchOptions = {
    checkUrls: options.checkUrls ?? [],
    install: 'never' as const,
    timeoutMs,
    proxy: options.proxy,
    dryRun: options.dryRun,
    stores: ['system' as const],
    restart: false,
    lockDir: options.lockDir,
  };
  const result = await patchContainer(
    {
      client: new DeadlineClient(client, timeoutMs),
      certificates: installed,
      options: patchOptions,
      onProgress: options.onProgress,
    },
    await client.inspect(),
  );
  const changed = result.status === 'patched' && root === '/';
  const advice = changed ? await hostRestartAdvice(options.certificate) : [];
  return { root, certificates: loaded.certificates, installed, warnings: loaded.warnings, result, advice };
}

export interface HostRemoveOptions extends HostOptions {
  certificate: string;
  password?: string;
  dryRun?: boolean;
}

/** `trustpatch host remove`: takes out exactly what the tree's record says `host add` put in. */
export async function runHostRemove(
  options: HostRemoveOptions,
): Promise<{ root: string; target: RemoveTarget; result: RemoveResult; advice: string[] }> {
  const target = await resolveTarget(options.certificate, { password: options.password });
  const { root, client } = await openRoot(options, !options.dryRun);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const result = await removeFromContainer(
    { client: new DeadlineClient(client, timeoutMs), target, dryRun: options.dryRun, onProgress: options.onProgress },
    await client.inspect(),
  );
  const advice = result.status === 'removed' && root === '/' ? await hostRestartAdvice(options.certificate) : [];
  return { root, target, result, advice };
}

/** `trustpatch host status`: what the tree's record says, checked against its bundles. Reads only. */
export async function runHostStatus(options: HostOptions): Promise<{ root: string; result: StatusContainerResult }> {
  const { root, client } = await openRoot(options, false);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  return { root, result: await statusOf(new DeadlineClient(client, timeoutMs, 0), await client.inspect(), ['system']) };
}

/** The tree to work on, refused before anything is read when it is unusable or root is needed and missing. */
async function openRoot(options: HostOptions, writes: boolean): Promise<{ root: string; client: LocalClient }> {
  const root = options.root === undefined ? '/' : await realDirectory(options.root);
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (writes && !isRoot) {
    const what = root === '/' ? "this machine's trust store" : `files owned by root under ${root} (and chroot)`;
    throw new UserError(
      `changing ${what} needs root: run it again with sudo:\n  sudo ${options.commandLine ?? 'trustpatch host ...'}`,
    );
  }
  return { root, client: new LocalClient(root) };
}

async function realDirectory(path: string): Promise<string> {
  const problem = (why: string) =>
    new UserError(`--root ${path}: ${why}; give the directory that holds the tree's etc/ and usr/`);
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined) throw problem('no such directory');
  if (!(await stat(real)).isDirectory()) throw problem('not a directory');
  return real;
}
