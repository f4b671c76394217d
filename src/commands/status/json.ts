import type { StatusContainerResult } from './worker.js';
import { countStatuses, STATUS_STATUSES } from '../../report/counts.js';
import { envelope } from '../../report/envelope.js';

/** The single document `status --json` prints on stdout. */
export function statusDocument(input: {
  engines: readonly string[];
  results: readonly (StatusContainerResult & { engine: string })[];
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
}) {
  return {
    ...envelope('status', input.engines),
    containers: input.results.map((r) => ({
      id: r.id,
      name: r.name,
      image: r.image,
      engine: r.engine,
      family: r.family,
      status: r.status,
      certificates: r.certificates,
      restartNeeded: r.restartNeeded,
      mounts: r.mounts ?? [],
      hostStore: r.hostStore ?? null,
      error: r.reason ?? null,
      warnings: r.warnings,
      durationMs: r.durationMs,
    })),
    summary: {
      ...countStatuses(input.results, STATUS_STATUSES),
      durationMs: input.durationMs,
      exitCode: input.exitCode,
      interrupted: input.interrupted,
    },
  };
}
