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
