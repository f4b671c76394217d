import type { ContainerClient } from '../docker/container-client.js';
import { connect } from '../docker/connect.js';
import { DeadlineClient } from '../docker/deadline-client.js';
import { statusOf, type StatusContainerResult } from '../record/status-container.js';
import { selectContainers } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { STORE_KINDS, type StoreKind } from '../stores/types.js';
import { DEFAULT_TIMEOUT_SECONDS } from './add.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';

export type { StatusContainerResult } from '../record/status-container.js';

export interface StatusOptions {
  selector: Selector;
  stores?: readonly StoreKind[];
  timeoutMs?: number;
  concurrency?: number;
  host?: string;
  client?: ContainerClient;
  signal?: AbortSignal;
  onSelected?: (count: number) => void;
  onResult?: (result: StatusContainerResult) => void;
}

/** `trustpatch status`: per container, which trustpatch certificates are where, and what needs a restart. Changes nothing. */
export async function runStatus(options: StatusOptions): Promise<{ results: StatusContainerResult[]; interrupted: boolean }> {
  const client = options.client ?? connect({ host: options.host });
  await client.ping();
  const targets = await selectContainers(client, options.selector);
  options.onSelected?.(targets.length);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const results = await runFleet<StatusContainerResult>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    (info) => statusOf(new DeadlineClient(client, timeoutMs, 0), info, options.stores ?? STORE_KINDS),
    (info) => ({ id: info.id, name: info.name, image: info.image, family: null, status: 'skipped', certificates: [], restartNeeded: [], warnings: [], reason: 'interrupted before it started', durationMs: 0 }),
  );
  return { results, interrupted: options.signal?.aborted === true };
}

/** 130 when interrupted; 1 when a container failed or holds an incomplete trustpatch certificate; else 0. */
export function statusExitCode(results: readonly StatusContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  return results.some((r) => r.status === 'failed' || r.status === 'incomplete') ? 1 : 0;
}
