import { loadCertificates } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import type { Certificate } from '../../cert/certificate.js';
import type { ContainerClient, ContainerInfo } from '../../docker/container-client.js';
import { DeadlineClient } from '../../docker/deadline-client.js';
import type { Detection } from '../../distro/detect.js';
import { patchContainer } from '../../patch/patch-container.js';
import type { GoProbes } from '../../runtimes/restart-needed.js';
import type { CertificateToInstall, ContainerResult, InstallMode, ProgressListener } from '../../types.js';
import type { EngineTarget } from '../../select/select-containers.js';
import { openEngines, type OnEngine } from '../engines.js';
import { DEFAULT_TIMEOUT_SECONDS, runOnFleet, type FleetOptions, type FleetReport } from '../fleet.js';
import type { StoreKind } from '../../app-stores/types.js';
import { SharedStores } from '../../mounts/shared-stores.js';
import { Replicas } from '../../update/replication.js';
import type { TemporaryTrust } from '../../record/temporary.js';
import { checkOptions, ENGINE_SPEC } from '../check-options.js';

export interface AddOptions extends FleetOptions<ContainerResult> {
  certificate: string;
  name?: string;
  /** PKCS#12 password (see src/cert/password.ts for where the CLI takes it from). */
  password?: string;
  /** Install expired or not-yet-valid certificates instead of refusing them. */
  allowExpired?: boolean;
  /** Install a certificate that is neither a CA nor self-signed (refused by default). */
  allowLeaf?: boolean;
  checkUrls?: readonly string[];
  install?: InstallMode;
  proxy?: string;
  /** Detect and plan per container; change nothing. */
  dryRun?: boolean;
  /** Where this host keeps its per-container locks (default: $TMPDIR/trustpatch-locks). */
  lockDir?: string;
  /** `--stores`; default: system plus every application store found. */
  stores?: readonly StoreKind[];
  /** `--restart`: restart each patched container afterwards. */
  restart?: boolean;
  /** `--through-mounts`: patch trust stores on writable bind mounts and volumes too. */
  throughMounts?: boolean;
  /** False (`--no-replicate`): run the update command in every container (src/update/replication.ts). */
  replicate?: boolean;
  /** Temporary trust: recorded in each container (see runTemporaryAdd, which reverts it). */
  temporary?: TemporaryTrust;
  /** Called with the warnings about the input once it is read, before any engine is contacted. */
  onInputWarnings?: (warnings: readonly string[]) => void;
  onProgress?: ProgressListener;
}

export interface AddReport extends FleetReport<ContainerResult> {
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
}

/** What an add has settled before it touches a container: the certificates, the engines, and how one container is patched. */
export interface PreparedAdd {
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
  clients: ContainerClient[];
  /** Patches one container with this run's steps and checks (also what `--watch` uses for each new one). */
  patch: (target: EngineTarget) => Promise<OnEngine<ContainerResult>>;
  /** The run's replicated updates: told which containers were selected (one of an image replicates nothing). */
  replicas: Replicas;
}

/**
 * `trustpatch add`: reads and validates everything first (certificate, name, engine,
 * selection) so that bad input changes nothing, then patches the containers concurrently.
 */
export async function runAdd(options: AddOptions): Promise<AddReport> {
  options = checkOptions('runAdd', options, {
    ...ENGINE_SPEC,
    certificate: 'string!',
    selector: 'selector!',
    name: 'string',
    password: 'string',
    allowExpired: 'boolean',
    allowLeaf: 'boolean',
    checkUrls: 'strings',
    install: 'string',
    timeoutMs: 'timeout',
    concurrency: 'concurrency',
    proxy: 'string',
    dryRun: 'boolean',
    lockDir: 'string',
    stores: 'strings',
    restart: 'boolean',
    throughMounts: 'boolean',
    replicate: 'boolean',
    temporary: 'object',
    signal: 'object',
    onSelected: 'function',
    onInputWarnings: 'function',
    onProgress: 'function',
    onResult: 'function',
  });
  return patchSelected(await prepareAdd(options), options);
}

/** Reads and validates the certificate and opens the engines; changes nothing. */
export async function prepareAdd(options: AddOptions): Promise<PreparedAdd> {
  const loaded = await loadCertificates(options.certificate, {
    password: options.password,
    allowExpired: options.allowExpired,
    allowLeaf: options.allowLeaf,
    validate: true,
  });
  const installed: CertificateToInstall[] = installNames(loaded.certificates, options.name);
  options.onInputWarnings?.(loaded.warnings);
  const clients = await openEngines(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const patchOptions = {
    checkUrls: options.checkUrls ?? [],
    install: options.install ?? 'auto',
    timeoutMs,
    proxy: options.proxy,
    dryRun: options.dryRun,
    stores: options.stores,
    restart: options.restart,
    lockDir: options.lockDir,
    throughMounts: options.throughMounts,
    temporary: options.temporary,
    replicate: options.replicate,
  };
  // Per image, shared by the run's containers: the family, and which executables are Go programs.
  const detections = new Map<string, Promise<Detection>>();
  const goBinaries: GoProbes = new Map();
  // Stores that several containers of the run share (a volume, a host directory): patched once.
  const shared = new SharedStores();
  // Fleets of one image: one container's update, written into the others whose inputs are the same.
  const replicas = new Replicas();
  const patch = async ({ client, info }: EngineTarget): Promise<OnEngine<ContainerResult>> => ({
    ...(await patchContainer(
      {
        client: new DeadlineClient(client, timeoutMs),
        certificates: installed,
        options: patchOptions,
        onProgress: options.onProgress,
        detections,
        goBinaries,
        shared,
        replicas,
      },
      info,
    )),
    engine: client.endpoint,
  });
  return { certificates: loaded.certificates, installed, warnings: loaded.warnings, clients, patch, replicas };
}

/** Selects the containers (none is fine with `allowNoMatch`) and patches them, `concurrency` at once (runOnFleet). */
export async function patchSelected(
  prepared: PreparedAdd,
  options: AddOptions & { allowNoMatch?: boolean },
): Promise<AddReport> {
  const report = await runOnFleet<ContainerResult>(options, prepared.patch, notStarted, {
    opened: prepared.clients,
    allowNone: options.allowNoMatch,
    onTargets: (targets) => prepared.replicas.expect(targets.map((t) => t.info.imageId)),
  });
  return {
    certificates: prepared.certificates,
    installed: prepared.installed,
    warnings: prepared.warnings,
    ...report,
  };
}

/**
 * Exit status: 130 when interrupted; 1 when a container failed, or when a check that a TLS
 * client ran afterwards did not pass; else 0.
 */
export function exitCodeFor(results: readonly ContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  const unproven = results.some(
    (r) =>
      (r.status === 'patched' || r.status === 'already-trusted' || r.status === 'covered') &&
      r.check.after.some((c) => !c.ok && c.tool !== null),
  );
  return results.some((r) => r.status === 'failed') || unproven ? 1 : 0;
}

export function notStarted(info: ContainerInfo): ContainerResult {
  return {
    id: info.id,
    name: info.name,
    image: info.image,
    family: null,
    method: null,
    check: { before: [], after: [] },
    warnings: [],
    durationMs: 0,
    status: 'skipped',
    reason: 'interrupted before it started',
  };
}
