import type { CheckResult } from '../../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../../docker/container-client.js';
import type { Detection } from '../../distro/detect.js';
import type { SharedStores } from '../../mounts/shared-stores.js';
import type { StoreMount } from '../../mounts/mount-map.js';
import type { ChainReader } from '../../net/peer-chain.js';
import type { GoProbes, RestartNote } from '../../runtimes/restart-needed.js';
import type { AppPatch, AppSurvey } from '../../app-stores/app-stores.js';
import type { StoreKind, StoreOutcome } from '../../app-stores/types.js';
import type { LockHolder } from '../lock.js';
import type { Plan, Survey } from '../../plan/plan.js';
import type { Changes } from '../../undo/rollback.js';
import type { SeedTexts } from '../../update/seed.js';
import type { StoreRead } from '../../system-store/store-listing.js';
import type { Replica, Replicas } from '../../update/replication.js';
import type { ScannedProcess } from '../../runtimes/scan.js';
import type {
  CertificateToInstall,
  ContainerResult,
  PatchMethod,
  PatchOptions,
  PlanSummary,
  ProgressListener,
} from '../../types.js';

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
  /** Shared by the containers of one run: updates replicated from one container to others (src/update/replication.ts). */
  replicas?: Replicas;
  /** How a check URL's chain is read from where trustpatch runs (default: src/net/peer-chain.ts). */
  readChain?: ChainReader;
}

/** What the result reports, filled in step by step (a failed patch reports it too). */
export interface Draft {
  family: string | null;
  method: PatchMethod | null;
  check: { before: CheckResult[]; after: CheckResult[] };
  warnings: string[];
  stores?: StoreOutcome[];
  restartNeeded?: RestartNote[];
  restarted?: boolean;
  mounts?: ContainerResult['mounts'];
  coveredBy?: string;
  /** The container whose update command's output was written here (replication). */
  replicatedFrom?: string;
}

/** Set when this container patches a store that others of the run share: called with how it ended. */
export interface Lead {
  finish?: (ok: boolean) => void;
  /** Set when others of the run wait for this container's update: called with what it changed, or undefined. */
  replica?: (replica: Replica | undefined) => void;
}

/** How the steps end when nothing failed. */
export type Outcome =
  | { status: 'patched' | 'already-trusted' | 'covered' }
  | { status: 'skipped'; reason: string }
  | { status: 'planned'; plan: PlanSummary };

/** What one container's patch starts from; `draft` and `changes` are what a failure reports and undoes. */
export interface PatchRun {
  readonly context: PatchContext;
  readonly info: ContainerInfo;
  /** When the patch started: processes started before it may need a restart. */
  readonly started: Date;
  /** Who held the container's lock before: an unfinished earlier run is patched again in full. */
  readonly previous: LockHolder | undefined;
  readonly lead: Lead;
  readonly draft: Draft;
  /** What was changed so far: what a rollback undoes. */
  readonly changes: Changes;
}

/** The one object the steps share: what the survey found, then what the writes did. */
export interface PatchState extends PatchRun {
  readonly survey: Survey;
  readonly plan: Plan;
  readonly apps: AppSurvey;
  readonly kinds: readonly StoreKind[];
  readonly fingerprints: readonly string[];
  /** The system store already holds every certificate (or is not asked for). */
  systemTrusted: boolean;
  /** Every store asked for holds every certificate: nothing will be written. */
  trusted: boolean;
  /** The mounts the writes land on (none: the container's own filesystem). */
  writing: StoreMount[];
  /** How the system store was changed; null while (or when) it was not. */
  method: PatchMethod | null;
  /** Per bundle, per fingerprint: the text the seed appended (the record `remove` undoes). */
  readonly seedTexts: SeedTexts;
  /** The bundles' directories as read after the update: where aftercare looks up its links. */
  storeAfter: StoreRead | undefined;
  /** The container's processes as read with the bundles' directories after the update (the restart advice). */
  scanned: ScannedProcess[] | undefined;
  /** Directories the writes create: a removal takes them away again. */
  createdDirs: string[];
  /** What was written to the application stores. */
  app: AppPatch | undefined;
}

/** Reports a step's name to the progress listener. */
export function progress(run: PatchRun, name: string): void {
  run.context.onProgress?.({ container: run.info.name, step: name });
}
