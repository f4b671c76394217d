import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ContainerClient, ContainerInfo, ContainerStart } from '../../docker/container-client.js';
import type { ContainerResult, ProgressListener } from '../../types.js';
import type { TemporaryTrust } from '../../record/temporary.js';
import type { EngineTarget } from '../../select/select-containers.js';
import type { RemoveResult } from '../../undo/types.js';
import { patchSelected, prepareAdd, type AddOptions, type AddReport } from './run.js';
import { openEngines, type OnEngine } from '../engines.js';
import { DEFAULT_CONCURRENCY } from '../fleet.js';
import { runRemove, type RemoveReport } from '../remove/run.js';
import { startWatch } from './watch.js';

export interface AddSessionOptions extends Omit<AddOptions, 'temporary'> {
  /** Temporary trust (`--for`, `--until-interrupt`): reverted at the end. */
  isTemporary: boolean;
  /** How long (`--for`); undefined: until `signal` aborts. */
  durationMs?: number;
  /** `--watch`: also patch each matching container that starts during the session. */
  watch: boolean;
  /** Ctrl-C / SIGTERM: stops the first pass from starting new containers, then ends the session. The revert is never aborted. */
  signal?: AbortSignal;
  /** The first pass is done: its report, and what the session holds until when. */
  onHolding?: (holding: Holding, add: AddReport) => void;
  onStarted?: (start: ContainerStart, engine: string) => void;
  onWatched?: (result: OnEngine<ContainerResult>) => void;
  onWatchProblem?: (problem: string) => void;
  onReverting?: (holding: Holding, endedBy: EndedBy) => void;
  onRevertProgress?: ProgressListener;
  onRevertResult?: (result: OnEngine<RemoveResult>) => void;
  /** Injected for tests: waits until `until` (null: no end) or the signal, whichever comes first. */
  wait?: (until: Date | null, signal: AbortSignal | undefined) => Promise<void>;
  now?: () => Date;
}

export type EndedBy = 'expiry' | 'interrupt' | 'nothing-patched';

export interface Holding {
  /** null for a lasting `--watch` (nothing is reverted). */
  session: TemporaryTrust | null;
  expiresAt: Date | null;
  /** What the session patched so far (the first pass, then the watch): the containers its end reverts. */
  patched: OnEngine<ContainerResult>[];
}

export interface AddSessionReport {
  add: AddReport;
  session: TemporaryTrust | null;
  /** Containers the watch patched (or tried to), in the order they ended. */
  watched: OnEngine<ContainerResult>[];
  endedBy: EndedBy;
  /** Today's remove of exactly the session's entries; null when nothing is to be reverted. */
  revert: RemoveReport | null;
}

/**
 * `add --for` / `--until-interrupt` / `--watch`: a first pass as `add` does (recording, when
 * temporary, the session in each container), then the session: until the time is up or Ctrl-C,
 * with --watch patching each matching container that starts; at the end, when temporary, it
 * takes out exactly what the session added (today's remove, byte for byte).
 */
export async function runAddSession(options: AddSessionOptions): Promise<AddSessionReport> {
  const clients = await openEngines(options);
  const session = startSession(options);
  const prepared = await prepareAdd({ ...options, clients, temporary: session ?? undefined });
  const holding: Holding = { session, expiresAt: endOf(session, options), patched: [] };
  const watch = options.watch
    ? startWatch({
        clients,
        selector: options.selector,
        patch: prepared.patch,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        onStarted: options.onStarted,
        onProblem: options.onWatchProblem,
        onResult: (r) => watched(holding, options, r),
      })
    : undefined;
  const add = await patchSelected(prepared, {
    ...options,
    temporary: session ?? undefined,
    allowNoMatch: options.watch,
  }).catch(async (error: unknown) => {
    await watch?.stop();
    throw error;
  });
  holding.patched.push(...add.results.filter((r) => r.status === 'patched'));
  if (watch === undefined && holding.patched.length === 0)
    return { add, session, watched: [], endedBy: 'nothing-patched', revert: null };
  options.onHolding?.(holding, add);
  watch?.begin(add.results.filter((r) => r.status !== 'skipped').map((r) => r.id));
  const endedBy = await hold(holding.expiresAt, options);
  const watchedResults = (await watch?.stop()) ?? [];
  if (session === null || holding.patched.length === 0)
    return { add, session, watched: watchedResults, endedBy, revert: null };
  options.onReverting?.(holding, endedBy);
  const revert = await revertSession(clients, holding, session, options);
  return { add, session, watched: watchedResults, endedBy, revert };
}

function watched(holding: Holding, options: AddSessionOptions, result: OnEngine<ContainerResult>): void {
  if (result.status === 'patched') holding.patched.push(result);
  options.onWatched?.(result);
}

function startSession(options: AddSessionOptions): TemporaryTrust | null {
  if (!options.isTemporary) return null;
  const expiresAt = endOf(null, options);
  return { session: randomUUID(), expiresAt: expiresAt?.toISOString() ?? null, pid: process.pid, host: hostname() };
}

function endOf(session: TemporaryTrust | null, options: AddSessionOptions): Date | null {
  if (session !== null) return session.expiresAt === null ? null : new Date(session.expiresAt);
  if (options.durationMs === undefined) return null;
  return new Date((options.now ?? (() => new Date()))().getTime() + options.durationMs);
}

/** Waits for the end: the expiry, or an interrupt (which may have come during the first pass). */
async function hold(until: Date | null, options: AddSessionOptions): Promise<EndedBy> {
  if (options.signal?.aborted) return 'interrupt';
  await (options.wait ?? waitUntil)(until, options.signal);
  return options.signal?.aborted ? 'interrupt' : 'expiry';
}

/**
 * Today's remove, of this session's entries only, in the containers it patched (re-inspected:
 * one stopped or removed meanwhile is reported, not a reason to stop). Not abortable: a
 * container is never left half reverted.
 */
async function revertSession(
  clients: readonly ContainerClient[],
  holding: Holding,
  session: TemporaryTrust,
  options: AddSessionOptions,
): Promise<RemoveReport> {
  const targets: EngineTarget[] = await Promise.all(
    holding.patched.map(async (patched) => {
      const client = clients.find((c) => c.endpoint === patched.engine)!;
      return { client, info: await client.inspect(patched.id).catch(() => gone(patched)) };
    }),
  );
  return runRemove({
    certificate: { kind: 'session', label: `temporary session ${session.session}`, session: session.session },
    selector: { names: [], labels: [], filters: [], all: false },
    targets,
    clients,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    onProgress: options.onRevertProgress,
    onResult: options.onRevertResult,
  });
}

/** A container removed during the session: remove reports it as skipped, with its state. */
function gone(patched: ContainerResult): ContainerInfo {
  return {
    id: patched.id,
    name: patched.name,
    image: patched.image,
    state: 'removed',
    labels: {},
    running: false,
    paused: false,
    restarting: false,
    user: '',
    readOnlyRootfs: false,
    env: [],
    platform: '',
    imageId: '',
  };
}

/** Resolves at `until` (null: never) or when `signal` aborts; checks every second, so a long wait needs no huge timer. */
export function waitUntil(until: Date | null, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const finish = () => {
      clearInterval(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const tick = () => {
      if (until !== null && Date.now() >= until.getTime()) finish();
    };
    const timer = setInterval(tick, Math.min(1000, until === null ? 1000 : Math.max(10, until.getTime() - Date.now())));
    signal?.addEventListener('abort', finish, { once: true });
    tick();
  });
}
