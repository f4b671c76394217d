import type { StatusContainerResult } from './worker.js';
import { STATUS_STATUSES } from '../../report/counts.js';
import { envelope } from '../../report/envelope.js';
import { containerJson, summaryJson, type FleetJsonInput } from '../../report/fleet-json.js';

/** The single document `status --json` prints on stdout. */
export function statusDocument(input: FleetJsonInput<StatusContainerResult & { engine: string }>) {
  return {
    ...envelope('status', input.engines),
    containers: input.results.map((r) => ({
      ...containerJson(r),
      status: r.status,
      certificates: r.certificates,
      restartNeeded: r.restartNeeded,
      mounts: r.mounts ?? [],
      hostStore: r.hostStore ?? null,
      error: r.reason ?? null,
      warnings: r.warnings,
      durationMs: r.durationMs,
    })),
    summary: summaryJson(input, STATUS_STATUSES),
  };
}
