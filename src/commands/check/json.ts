import { summarizeChecks } from '../../report/check-summary.js';
import { CHECK_STATUSES } from '../../report/counts.js';
import { envelope } from '../../report/envelope.js';
import type { CheckContainerResult } from './run.js';
import { containerJson, summaryJson, type FleetJsonInput } from '../../report/fleet-json.js';

/** The single document `check --json` prints on stdout. */
export function checkDocument(input: FleetJsonInput<CheckContainerResult & { engine: string }>) {
  return {
    ...envelope('check', input.engines),
    containers: input.results.map((r) => ({
      ...containerJson(r),
      status: r.status,
      check: summarizeChecks(r.checks),
      error: r.reason ?? null,
      durationMs: r.durationMs,
    })),
    summary: summaryJson(input, CHECK_STATUSES),
  };
}
