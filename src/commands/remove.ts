import type { ContainerInfo } from '../docker/container-client.js';
import { DeadlineClient } from '../docker/deadline-client.js';
import type { ProgressListener } from '../types.js';
import { selectOnEngines, type EngineTarget } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { removeFromContainer } from '../undo/remove-container.js';
import { resolveTarget, type RemoveTarget } from '../undo/target.js';
import type { RemoveResult } from '../undo/types.js';
import { DEFAULT_TIMEOUT_SECONDS } from './add.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';
import { openEngines, type EngineOptions, type OnEngine } from './engines.js';
import { checkOptions, ENGINE_SPEC } from '../util/check-options.js';

export interface RemoveOptions extends EngineOptions {
  /**
   * A certificate file (or `-`), a SHA-256 fingerprint or unique prefix (8+ hex digits), or the
   * name add gave it; or a target already resolved (`--expired`, the end of a temporary session).
   */
  certificate: string | RemoveTarget;
  selector: Selector;
  password?: string;
  timeoutMs?: number;
  concurrency?: number;
  dryRun?: boolean;
  /** Containers already chosen (the end of a temporary session): used instead of `selector`. */
  targets?: readonly EngineTarget[];
  signal?: AbortSignal;
  onSelected?: (count: number, engines: readonly string[]) => void;
  onProgress?: ProgressListener;
  onResult?: (result: OnEngine<RemoveResult>) => void;
}

export interface RemoveReport {
  target: RemoveTarget;
  engines: string[];
  results: OnEngine<RemoveResult>[];
  interrupted: boolean;
}

/**
 * `trustpatch remove`: reads what to remove and the selection first (bad input changes
 * nothing), then in each container takes out exactly what trustpatch's record says it added.
 */
export async function runRemove(options: RemoveOptions): Promise<RemoveReport> {
  options = checkOptions('runRemove', options, {
    ...ENGINE_SPEC,
    certificate: 'target!',
    selector: 'selector!',
    password: 'string',
    timeoutMs: 'timeout',
    concurrency: 'concurrency',
    dryRun: 'boolean',
    targets: 'array',
    signal: 'object',
    onSelected: 'function',
    onProgress: 'function',
    onResult: 'function',
  });
  const target =
    typeof options.certificate === 'string'
      ? await resolveTarget(options.certificate, { password: options.password })
      : options.certificate;
  const clients = await openEngines(options);
  const targets = options.targets ?? (await selectOnEngines(clients, options.selector));
  options.onSelected?.(
    targets.length,
    clients.map((client) => client.endpoint),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const selected = new Set(targets.map(({ info }) => info.id));
  const results = await runFleet<OnEngine<RemoveResult>, EngineTarget>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    async ({ client, info }) => ({
      ...(await removeFromContainer(
        {
          client: new DeadlineClient(client, timeoutMs),
          target,
          dryRun: options.dryRun,
          onProgress: options.onProgress,
          selected,
        },
        info,
      )),
      engine: client.endpoint,
    }),
    ({ client, info }) => ({ ...notStarted(info), engine: client.endpoint }),
  );
  return {
    target,
    engines: clients.map((client) => client.endpoint),
    results,
    interrupted: options.signal?.aborted === true,
  };
}

/** As for add: 130 when interrupted, 1 when a container failed, else 0. */
export function removeExitCode(results: readonly RemoveResult[], interrupted = false): number {
  if (interrupted) return 130;
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

function notStarted(info: ContainerInfo): RemoveResult {
  return {
    id: info.id,
    name: info.name,
    image: info.image,
    family: null,
    removed: [],
    counts: [],
    left: [],
    warnings: [],
    record: null,
    durationMs: 0,
    status: 'skipped',
    reason: 'interrupted before it started',
  };
}
