import type { ContainerInfo } from '../../docker/container-client.js';
import { DeadlineClient } from '../../docker/deadline-client.js';
import type { ProgressListener } from '../../types.js';
import type { EngineTarget } from '../../select/select-containers.js';
import { removeFromContainer } from '../../undo/remove-container.js';
import { resolveTarget, type RemoveTarget } from '../../undo/target.js';
import type { RemoveResult } from '../../undo/types.js';
import { runOnFleet, type FleetOptions, type FleetReport } from '../fleet.js';
import { checkOptions, ENGINE_SPEC } from '../check-options.js';

export interface RemoveOptions extends FleetOptions<RemoveResult> {
  /**
   * A certificate file (or `-`), a SHA-256 fingerprint or unique prefix (8+ hex digits), or the
   * name add gave it; or a target already resolved (`--expired`, the end of a temporary session).
   */
  certificate: string | RemoveTarget;
  password?: string;
  dryRun?: boolean;
  /** Containers already chosen (the end of a temporary session): used instead of `selector`. */
  targets?: readonly EngineTarget[];
  onProgress?: ProgressListener;
}

export interface RemoveReport extends FleetReport<RemoveResult> {
  target: RemoveTarget;
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
  const selected = new Set<string>();
  const report = await runOnFleet<RemoveResult>(
    options,
    async ({ client, info }, timeoutMs) =>
      removeFromContainer(
        {
          client: new DeadlineClient(client, timeoutMs),
          target,
          dryRun: options.dryRun,
          onProgress: options.onProgress,
          selected,
        },
        info,
      ),
    notStarted,
    {
      targets: options.targets,
      // Every container of the run: a covered container's store is undone through its own selected leader.
      onTargets: (targets) => {
        for (const { info } of targets) selected.add(info.id);
      },
    },
  );
  return { target, ...report };
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
