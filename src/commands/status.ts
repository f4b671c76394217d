import { DeadlineClient } from '../docker/deadline-client.js';
import { statusOf, type StatusContainerResult } from '../record/status-container.js';
import { selectOnEngines, type EngineTarget } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { STORE_KINDS, type StoreKind } from '../app-stores/types.js';
import { DEFAULT_TIMEOUT_SECONDS } from './add.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';
import { openEngines, type EngineOptions, type OnEngine } from './engines.js';
import { checkOptions, ENGINE_SPEC } from '../util/check-options.js';
import { hostStoreNote } from '../host/host-store-mounts.js';

export type { StatusContainerResult } from '../record/status-container.js';

export interface StatusOptions extends EngineOptions {
  selector: Selector;
  stores?: readonly StoreKind[];
  /** This machine's root, for containers that mount its trust store (default /; a tree in tests). */
  hostRoot?: string;
  timeoutMs?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onSelected?: (count: number, engines: readonly string[]) => void;
  onResult?: (result: OnEngine<StatusContainerResult>) => void;
}

/** `trustpatch status`: per container, which trustpatch certificates are where, and what needs a restart. Changes nothing. */
/** What runStatus returns: statusDocument turns it into the `status --json` document. */
export interface StatusReport {
  /** The address of every engine used, in order. */
  engines: string[];
  results: OnEngine<StatusContainerResult>[];
  interrupted: boolean;
}

export async function runStatus(options: StatusOptions): Promise<StatusReport> {
  options = checkOptions('runStatus', options, {
    ...ENGINE_SPEC,
    selector: 'selector!',
    stores: 'strings',
    hostRoot: 'string',
    timeoutMs: 'timeout',
    concurrency: 'concurrency',
    signal: 'object',
    onSelected: 'function',
    onResult: 'function',
  });
  const clients = await openEngines(options);
  const targets = await selectOnEngines(clients, options.selector);
  options.onSelected?.(
    targets.length,
    clients.map((client) => client.endpoint),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const results = await runFleet<OnEngine<StatusContainerResult>, EngineTarget>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    async ({ client, info }) => {
      const result = await statusOf(new DeadlineClient(client, timeoutMs, 0), info, options.stores ?? STORE_KINDS);
      // Only an engine on this machine mounts this machine's files: say what the host trusts.
      const local = client.endpoint.startsWith('unix://');
      const hostStore = local
        ? await hostStoreNote(result.mounts ?? [], options.hostRoot).catch(() => undefined)
        : undefined;
      return { ...result, ...(hostStore ? { hostStore } : {}), engine: client.endpoint };
    },
    ({ client, info }) => ({
      id: info.id,
      name: info.name,
      image: info.image,
      engine: client.endpoint,
      family: null,
      status: 'skipped',
      certificates: [],
      restartNeeded: [],
      warnings: [],
      reason: 'interrupted before it started',
      durationMs: 0,
    }),
  );
  return { engines: clients.map((client) => client.endpoint), results, interrupted: options.signal?.aborted === true };
}

/** 130 when interrupted; 1 when a container failed or holds an incomplete trustpatch certificate; else 0. */
export function statusExitCode(results: readonly StatusContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  return results.some((r) => r.status === 'failed' || r.status === 'incomplete') ? 1 : 0;
}
