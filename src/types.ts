import type { TemporaryTrust } from './record/temporary.js';
import type { CheckResult } from './check/https-check.js';
import type { Certificate } from './cert/certificate.js';
import type { RestartNote } from './runtimes/restart-needed.js';
import type { StoreKind, StoreOutcome } from './app-stores/types.js';
import type { StoreMount } from './mounts/mount-map.js';
import type { ContainerClient } from './docker/container-client.js';

/** A certificate about to be installed, with the file name (no extension) it gets. */
export interface CertificateToInstall {
  certificate: Certificate;
  name: string;
}

/**
 * `not-needed`: nothing had been changed; `done`: the container is as before (every bundle and
 * application store byte-identical, the trust store directories as listed before the first
 * write); `incomplete`: something is left, named in the warnings; `container-removed`: the
 * container is gone, nothing to undo.
 */
export type RollbackOutcome = 'not-needed' | 'done' | 'incomplete' | 'container-removed';

export type InstallMode = 'auto' | 'never' | 'always';

export interface PatchOptions {
  checkUrls: readonly string[];
  install: InstallMode;
  /** Per container, for each command run inside it. */
  timeoutMs: number;
  proxy?: string;
  /** Detect and plan only: nothing is written or run in the container. */
  dryRun?: boolean;
  /** Stores to patch (`--stores`); default: the system store and every application store found. */
  stores?: readonly StoreKind[];
  /** Restart the container after a successful patch (`--restart`). */
  restart?: boolean;
  /** Where this host keeps its per-container locks (default: src/patch/lock.ts defaultLockDir). */
  lockDir?: string;
  /** `--through-mounts`: write through writable bind mounts and volumes (docs/mounted-stores.md). */
  throughMounts?: boolean;
  /** Temporary trust (`add --for`): written into each record entry (src/record/temporary.ts). */
  temporary?: TemporaryTrust;
  /** False (`--no-replicate`): run the update command in every container, never replicate it (src/update/replication.ts). */
  replicate?: boolean;
}

/** How trust was changed: the family's update command, or bundles written through the archive API. */
export type PatchMethod = 'update-command' | 'archive-only';

/** What a dry run would do in one container. */
export interface PlanSummary {
  family: string;
  /** Files it would write: bundles it would append to (real paths) and anchor files. */
  files: string[];
  /** Commands it would run, in order (argv). */
  commands: string[][];
  /** The TLS client the check would use, or null when only the bundle can be verified. */
  check: string | null;
}

/** What happened to one container (docs/development.md, code shape rule 4): report, JSON and exit status derive from it. */
interface ResultBase {
  id: string;
  name: string;
  image: string;
  family: string | null;
  /** How trust was changed, or null when nothing was done. */
  method: PatchMethod | null;
  check: { before: CheckResult[]; after: CheckResult[] };
  durationMs: number;
  warnings: string[];
  /** Application stores (certifi, Java) found and what was done to each. */
  stores?: StoreOutcome[];
  /** Running processes that will not see the CA until restarted, and how to fix each. */
  restartNeeded?: RestartNote[];
  /** True when `--restart` restarted the container. */
  restarted?: boolean;
  /** The mounts that the paths the patch writes land on (none: the container's own filesystem). */
  mounts?: StoreMount[];
  /** For `covered`: the container of this run through which the shared store was patched. */
  coveredBy?: string;
  /** Where the update command's output was replicated from another container of the run: that container. */
  replicatedFrom?: string;
}

export type ContainerResult =
  | (ResultBase & { status: 'patched' })
  | (ResultBase & { status: 'already-trusted' })
  | (ResultBase & { status: 'covered' })
  | (ResultBase & { status: 'skipped'; reason: string })
  | (ResultBase & { status: 'failed'; reason: string; rollback: RollbackOutcome })
  | (ResultBase & { status: 'planned'; plan: PlanSummary });

export type ContainerStatus = ContainerResult['status'];

/** Progress of one container, for the terminal UI; the engine itself never prints. */
export interface ProgressEvent {
  container: string;
  step: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

/**
 * What a step of the patch reads from the run: the part of PatchContext
 * (src/patch/patch-container.ts) it needs, here so that the steps need not import the file that
 * runs them.
 */
export interface StepContext {
  client: ContainerClient;
  options: Pick<PatchOptions, 'timeoutMs' | 'lockDir'>;
  onProgress?: ProgressListener;
}

/** How a command is told which engines to use; the first of these that is set wins. */
export interface EngineOptions {
  /** Injected for tests and library callers: used as they are. */
  clients?: readonly ContainerClient[];
  client?: ContainerClient;
  /** `--host` values; with `contexts`, one engine each (see resolveEngines). */
  hosts?: readonly string[];
  contexts?: readonly string[];
  env?: NodeJS.ProcessEnv;
}
