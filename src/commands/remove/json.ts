import { envelope } from '../../report/envelope.js';
import type { RemoveTarget } from '../../undo/target.js';
import { REMOVE_STATUSES, type RemoveResult } from '../../undo/types.js';
import { containerJson, summaryJson, type FleetJsonInput } from '../../report/fleet-json.js';

/** The single document `remove --json` prints on stdout (same versioning as add's). */
export function removeDocument(input: FleetJsonInput<RemoveResult & { engine: string }> & { target: RemoveTarget }) {
  const { target } = input;
  return {
    ...envelope('remove', input.engines),
    target: {
      kind: target.kind,
      value: target.label,
      fingerprints:
        target.kind === 'certificates' ? target.fingerprints : target.kind === 'fingerprint' ? [target.prefix] : [],
    },
    containers: input.results.map((r) => ({
      ...containerJson(r),
      status: r.status,
      removed: r.removed,
      counts: r.counts,
      left: r.left,
      record: r.record,
      error: 'reason' in r ? r.reason : null,
      rollback: 'rollback' in r ? r.rollback : null,
      warnings: r.warnings,
      plan: r.status === 'planned' ? r.plan : null,
      durationMs: r.durationMs,
    })),
    summary: summaryJson(input, REMOVE_STATUSES),
  };
}
