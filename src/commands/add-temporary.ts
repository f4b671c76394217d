import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import type { TemporaryTrust } from '../record/temporary.js';
import type { EngineTarget } from '../select/select-containers.js';
import { runAdd, type AddOptions, type AddReport } from './add.js';
import { openEngines, type OnEngine } from './engines.js';
import { runRemove, type RemoveOptions, type RemoveReport } from './remove.js';
import type { ContainerResult, ProgressListener } from '../patch/types.js';
import type { RemoveResult } from '../undo/types.js';

export interface TemporaryAddOptions extends Omit<AddOptions, 'temporary'> {
  /** How long the trust lasts (`--for`); undefined: until `signal` aborts (`--until-interrupt`). */
  durationMs?: number;
  /** Ctrl-C / SIGTERM: stops the patching from starting new containers, then ends the wait. The revert is never aborted. */
  signal?: AbortSignal;
  /** The patch is done and something was patched: the add's report, and what holds the trust until when. */
  onHolding?: (holding: Holding, add: AddReport) => void;
  /** The revert starts. */
  onReverting?: (holding: Holding, endedBy: EndedBy) => void;
  onRevertProgress?: ProgressListener;
  onRevertResult?: (result: OnEngine<RemoveResult>) => void;
  /** Injected for tests: waits until `until` or the signal, whichever comes first. */
  wait?: (until: Date | null, signal: AbortSignal | undefined) => Promise<void>;
  now?: () => Date;
}

export type EndedBy = 'expiry' | 'interrupt' | 'nothing-patched';

export interface Holding {
  session: TemporaryTrust;
  /** The containers the session patched (the only ones its end reverts). */
  patched: OnEngine<ContainerResult>[];
}

export interface TemporaryAddReport {
  add: AddReport;
  session: TemporaryTrust;
  endedBy: EndedBy;
  /** The revert: today's remove of exactly the session's entries; null when nothing was patched. */
  revert: RemoveReport | null;
}

/**
 * `trustpatch add --for DURATION` / `--until-interrupt`: patches as `add` does, recording in
 * each container that the trust is temporary, holds it until the time is up or Ctrl-C, then
 * takes out exactly what this session added (today's `remove`, byte for byte).
 */
export async function runTemporaryAdd(options: TemporaryAddOptions): Promise<TemporaryAddReport> {
  const clients = await openEngines(options);
  const session = startSession(options);
  const add = await runAdd({ ...options, clients, temporary: session });
  const holding: Holding = { session, patched: add.results.filter((r) => r.status === 'patched') };
  if (holding.patched.length === 0) return { add, session, endedBy: 'nothing-patched', revert: null };
  options.onHolding?.(holding, add);
  const endedBy = await hold(session, options);
  options.onReverting?.(holding, endedBy);
  const revert = await revertSession(clients, holding, options);
  return { add, session, endedBy, revert };
}

function startSession(options: TemporaryAddOptions): TemporaryTrust {
  const now = (options.now ?? (() => new Date()))();
  const expiresAt = options.durationMs === undefined ? null : new Date(now.getTime() + options.durationMs).toISOString();
  return { session: randomUUID(), expiresAt, pid: process.pid, host: hostname() };
}

/** Waits for the end: the expiry, or an interrupt (which may have come during the patching). */
async function hold(session: TemporaryTrust, options: TemporaryAddOptions): Promise<EndedBy> {
  if (options.signal?.aborted) return 'interrupt';
  await (options.wait ?? waitUntil)(session.expiresAt === null ? null : new Date(session.expiresAt), options.signal);
  return options.signal?.aborted ? 'interrupt' : 'expiry';
}

/**
 * Today's remove, of this session's entries only, in the containers it patched (re-inspected:
 * one stopped or removed meanwhile is reported, not a reason to stop). Not abortable: a
 * container is never left half reverted.
 */
async function revertSession(clients: readonly ContainerClient[], holding: Holding, options: TemporaryAddOptions): Promise<RemoveReport> {
  const targets: EngineTarget[] = await Promise.all(
    holding.patched.map(async (patched) => {
      const client = clients.find((c) => c.endpoint === patched.engine)!;
      return { client, info: await client.inspect(patched.id).catch(() => gone(patched)) };
    }),
  );
  const remove: RemoveOptions = {
    certificate: { kind: 'session', label: `temporary session ${holding.session.session}`, session: holding.session.session },
    selector: { names: [], labels: [], filters: [], all: false },
    targets,
    clients,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    onProgress: options.onRevertProgress,
    onResult: options.onRevertResult,
  };
  return runRemove(remove);
}

/** A container removed during the session: remove reports it as skipped, with its state. */
function gone(patched: ContainerResult): ContainerInfo {
  return { id: patched.id, name: patched.name, image: patched.image, state: 'removed', labels: {}, running: false, paused: false, restarting: false, user: '', readOnlyRootfs: false, env: [], platform: '', imageId: '' };
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
