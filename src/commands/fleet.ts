import type { ContainerInfo } from '../docker/container-client.js';
import { mapLimit } from '../util/pool.js';

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 64;

/** Something every per-container result has: enough to list a container that never started. */
export interface FleetResultBase {
  id: string;
  name: string;
  image: string;
}

/**
 * Runs `work` for each container, at most `concurrency` at once. Once `signal` aborts, no new
 * container starts (those in flight finish or roll back) and each container that never started
 * gets `notStarted(info)`, so the report still lists every selected container.
 */
export async function runFleet<R extends FleetResultBase>(
  targets: readonly ContainerInfo[],
  options: { concurrency: number; signal?: AbortSignal; onResult?: (result: R) => void },
  work: (info: ContainerInfo) => Promise<R>,
  notStarted: (info: ContainerInfo) => R,
): Promise<R[]> {
  const results = await mapLimit(
    targets,
    options.concurrency,
    async (info) => {
      const result = await work(info);
      options.onResult?.(result);
      return result;
    },
    () => options.signal?.aborted !== true,
  );
  return results.map((result, index) => result ?? notStarted(targets[index]!));
}
