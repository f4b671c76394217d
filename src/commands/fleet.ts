import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { selectOnEngines, type EngineTarget } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { mapLimit } from '../util/pool.js';
import { openEngines, type EngineOptions, type OnEngine } from './engines.js';

import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS } from './fleet-limits.js';

export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS, MAX_CONCURRENCY } from './fleet-limits.js';

/** Something every per-container result has: enough to list a container that never started. */
export interface FleetResultBase {
  id: string;
  name: string;
  image: string;
}

/** What add, check, remove and status share: the engines, the selection, and how the fleet runs. */
export interface FleetOptions<R> extends EngineOptions {
  selector: Selector;
  /** Total time for one container. */
  timeoutMs?: number;
  concurrency?: number;
  /** Aborting it starts no new container; those in flight finish or roll back. */
  signal?: AbortSignal;
  /** Called once the selection is known: how many containers, on which engines. */
  onSelected?: (count: number, engines: readonly string[]) => void;
  onResult?: (result: OnEngine<R>) => void;
}

/** Every selected container's result, on which engines, and whether the run was interrupted. */
export interface FleetReport<R> {
  /** The address of every engine used, in order. */
  engines: string[];
  results: OnEngine<R>[];
  interrupted: boolean;
}

/** What a command may have settled before the prelude: engines already opened, containers already chosen. */
export interface FleetGiven {
  /** Engines already opened and pinged (add opens them before it selects): not opened again. */
  opened?: readonly ContainerClient[];
  /** Containers already chosen (the end of a temporary session): used instead of the selector. */
  targets?: readonly EngineTarget[];
  /** No container selected is fine (`add --watch` waits for them). */
  allowNone?: boolean;
  /** Called with the selection before any container starts. */
  onTargets?: (targets: readonly EngineTarget[]) => void;
}

/**
 * The fleet prelude and run of add, check, remove and status: opens the engines (each pinged,
 * so one that cannot be reached stops the run before anything changes), selects the containers
 * (an empty selection is refused unless `allowNone`), reports the selection, then runs `work`
 * on each container, `concurrency` at once, within `timeoutMs` each, tagging every result with
 * its engine. Containers an interrupt kept from starting are listed through `notStarted`.
 */
export async function runOnFleet<R extends FleetResultBase>(
  options: FleetOptions<R>,
  work: (target: EngineTarget, timeoutMs: number) => Promise<R>,
  notStarted: (info: ContainerInfo) => R,
  given: FleetGiven = {},
): Promise<FleetReport<R>> {
  const clients = given.opened ? [...given.opened] : await openEngines(options);
  const targets = given.targets ?? (await selectOnEngines(clients, options.selector, { allowNone: given.allowNone }));
  const engines = clients.map((client) => client.endpoint);
  options.onSelected?.(targets.length, engines);
  given.onTargets?.(targets);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const results = await runFleet<OnEngine<R>, EngineTarget>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    async (target) => ({ ...(await work(target, timeoutMs)), engine: target.client.endpoint }),
    ({ client, info }) => ({ ...notStarted(info), engine: client.endpoint }),
  );
  return { engines, results, interrupted: options.signal?.aborted === true };
}

/**
 * Runs `work` for each container, at most `concurrency` at once. Once `signal` aborts, no new
 * container starts (those in flight finish or roll back) and each container that never started
 * gets `notStarted(info)`, so the report still lists every selected container.
 */
export async function runFleet<R extends FleetResultBase, T>(
  targets: readonly T[],
  options: { concurrency: number; signal?: AbortSignal; onResult?: (result: R) => void },
  work: (target: T) => Promise<R>,
  notStarted: (target: T) => R,
): Promise<R[]> {
  const results = await mapLimit(
    targets,
    options.concurrency,
    async (target) => {
      const result = await work(target);
      options.onResult?.(result);
      return result;
    },
    () => options.signal?.aborted !== true,
  );
  return results.map((result, index) => result ?? notStarted(targets[index]!));
}
