import { DeadlineClient } from '../../docker/deadline-client.js';
import { statusOf, type StatusContainerResult } from './worker.js';
import { STORE_KINDS, type StoreKind } from '../../app-stores/types.js';
import { runOnFleet, type FleetOptions, type FleetReport } from '../fleet.js';
import { checkOptions, ENGINE_SPEC } from '../check-options.js';
import { hostStoreNote } from '../../host/host-store-mounts.js';

export type { StatusContainerResult } from './worker.js';

export interface StatusOptions extends FleetOptions<StatusContainerResult> {
  stores?: readonly StoreKind[];
  /** This machine's root, for containers that mount its trust store (default /; a tree in tests). */
  hostRoot?: string;
}

/** What runStatus returns: statusDocument turns it into the `status --json` document. */
export type StatusReport = FleetReport<StatusContainerResult>;

/** `trustpatch status`: per container, which trustpatch certificates are where, and what needs a restart. Changes nothing. */
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
  const stores = options.stores ?? STORE_KINDS;
  return runOnFleet<StatusContainerResult>(
    options,
    async ({ client, info }, timeoutMs) => {
      const result = await statusOf(new DeadlineClient(client, timeoutMs, 0), info, stores);
      // Only an engine on this machine mounts this machine's files: say what the host trusts.
      const local = client.endpoint.startsWith('unix://');
      const hostStore = local
        ? await hostStoreNote(result.mounts ?? [], options.hostRoot).catch(() => undefined)
        : undefined;
      return { ...result, ...(hostStore ? { hostStore } : {}) };
    },
    (info) => ({
      id: info.id,
      name: info.name,
      image: info.image,
      family: null,
      status: 'skipped',
      certificates: [],
      restartNeeded: [],
      warnings: [],
      reason: 'interrupted before it started',
      durationMs: 0,
    }),
  );
}

/** 130 when interrupted; 1 when a container failed or holds an incomplete trustpatch certificate; else 0. */
export function statusExitCode(results: readonly StatusContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  return results.some((r) => r.status === 'failed' || r.status === 'incomplete') ? 1 : 0;
}
