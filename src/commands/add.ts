import { loadCertificates } from '../cert/load.js';
import { installNames } from '../cert/name.js';
import type { Certificate } from '../cert/certificate.js';
import type { ContainerInfo } from '../docker/container-client.js';
import { DeadlineClient } from '../docker/deadline-client.js';
import type { Detection } from '../distro/detect.js';
import { patchContainer } from '../patch/patch-container.js';
import type { GoProbes } from '../runtimes/restart-needed.js';
import type { CertificateToInstall, ContainerResult, InstallMode, ProgressListener } from '../patch/types.js';
import { selectOnEngines, type EngineTarget } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { openEngines, type EngineOptions, type OnEngine } from './engines.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';
import type { StoreKind } from '../stores/types.js';
import { checkOptions, ENGINE_SPEC } from '../util/check-options.js';

export interface AddOptions extends EngineOptions {
  certificate: string;
  selector: Selector;
  name?: string;
  /** PKCS#12 password (see src/cert/password.ts for where the CLI takes it from). */
  password?: string;
  /** Install expired or not-yet-valid certificates instead of refusing them. */
  allowExpired?: boolean;
  /** Install a certificate that is neither a CA nor self-signed (refused by default). */
  allowLeaf?: boolean;
  checkUrls?: readonly string[];
  install?: InstallMode;
  /** Total time for one container, rollback excluded. */
  timeoutMs?: number;
  concurrency?: number;
  proxy?: string;
  /** Detect and plan per container; change nothing. */
  dryRun?: boolean;
  /** Where this host keeps its per-container locks (default: $TMPDIR/trustpatch-locks). */
  lockDir?: string;
  /** `--stores`; default: system plus every application store found. */
  stores?: readonly StoreKind[];
  /** `--restart`: restart each patched container afterwards. */
  restart?: boolean;
  /** Aborting it starts no new container; those in flight finish or roll back. */
  signal?: AbortSignal;
  /** Called once the selection is known: how many containers, on which engines. */
  onSelected?: (count: number, engines: readonly string[]) => void;
  /** Called with the warnings about the input once it is read, before any engine is contacted. */
  onInputWarnings?: (warnings: readonly string[]) => void;
  onProgress?: ProgressListener;
  onResult?: (result: OnEngine<ContainerResult>) => void;
}

export interface AddReport {
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
  /** The address of every engine used, in order. */
  engines: string[];
  results: OnEngine<ContainerResult>[];
  interrupted: boolean;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * `trustpatch add`: reads and validates everything first (certificate, name, engine,
 * selection) so that bad input changes nothing, then patches the containers concurrently.
 */
export async function runAdd(options: AddOptions): Promise<AddReport> {
  options = checkOptions('runAdd', options, { ...ENGINE_SPEC, certificate: 'string!', selector: 'selector!', name: 'string', password: 'string', allowExpired: 'boolean', allowLeaf: 'boolean', checkUrls: 'strings', install: 'string', timeoutMs: 'timeout', concurrency: 'concurrency', proxy: 'string', dryRun: 'boolean', lockDir: 'string', stores: 'strings', restart: 'boolean', signal: 'object', onSelected: 'function', onInputWarnings: 'function', onProgress: 'function', onResult: 'function' });
  const loaded = await loadCertificates(options.certificate, { password: options.password, allowExpired: options.allowExpired, allowLeaf: options.allowLeaf, validate: true });
  const installed: CertificateToInstall[] = installNames(loaded.certificates, options.name);
  options.onInputWarnings?.(loaded.warnings);
  const clients = await openEngines(options);
  const targets = await selectOnEngines(clients, options.selector);
  options.onSelected?.(targets.length, clients.map((client) => client.endpoint));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const patchOptions = { checkUrls: options.checkUrls ?? [], install: options.install ?? 'auto', timeoutMs, proxy: options.proxy, dryRun: options.dryRun, stores: options.stores, restart: options.restart, lockDir: options.lockDir };
  // Per image, shared by the run's containers: the family, and which executables are Go programs.
  const detections = new Map<string, Promise<Detection>>();
  const goBinaries: GoProbes = new Map();
  const results = await runFleet<OnEngine<ContainerResult>, EngineTarget>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    async ({ client, info }) => ({
      ...(await patchContainer({ client: new DeadlineClient(client, timeoutMs), certificates: installed, options: patchOptions, onProgress: options.onProgress, detections, goBinaries }, info)),
      engine: client.endpoint,
    }),
    ({ client, info }) => ({ ...notStarted(info), engine: client.endpoint }),
  );
  const engines = clients.map((client) => client.endpoint);
  return { certificates: loaded.certificates, installed, warnings: loaded.warnings, engines, results, interrupted: options.signal?.aborted === true };
}

/**
 * Exit status: 130 when interrupted; 1 when a container failed, or when a check that a TLS
 * client ran afterwards did not pass; else 0.
 */
export function exitCodeFor(results: readonly ContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  const unproven = results.some((r) => (r.status === 'patched' || r.status === 'already-trusted') && r.check.after.some((c) => !c.ok && c.tool !== null));
  return results.some((r) => r.status === 'failed') || unproven ? 1 : 0;
}

export function notStarted(info: ContainerInfo): ContainerResult {
  return { id: info.id, name: info.name, image: info.image, family: null, method: null, check: { before: [], after: [] }, warnings: [], durationMs: 0, status: 'skipped', reason: 'interrupted before it started' };
}
