import { summarizeChecks } from '../../report/check-summary.js';
import { CHECK_STATUSES, countStatuses } from '../../report/counts.js';
import { envelope } from '../../report/envelope.js';
import type { CheckContainerResult } from './run.js';

/** The single document `check --json` prints on stdout. */
export function checkDocument(input: {
  engines: readonly string[];
  results: readonly (CheckContainerResult & { engine: string })[];
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
}) {
  return {
    ...envelope('check', input.engines),
    containers: input.results.map((r) => ({
      id: r.id,
      name: r.name,
      image: r.image,
      engine: r.engine,
      family: r.family,
      status: r.status,
      check: summarizeChecks(r.checks),
      error: r.reason ?? null,
      durationMs: r.durationMs,
    })),
    summary: {
      ...countStatuses(input.results, CHECK_STATUSES),
      durationMs: input.durationMs,
      exitCode: input.exitCode,
      interrupted: input.interrupted,
    },
  };
}
