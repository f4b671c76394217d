import { countStatuses } from '../../report/counts.js';
import { envelope } from '../../report/envelope.js';
import type { RemoveTarget } from '../../undo/target.js';
import { REMOVE_STATUSES, type RemoveResult } from '../../undo/types.js';

/** The single document `remove --json` prints on stdout (same versioning as add's). */
export function removeDocument(input: {
  engines: readonly string[];
  target: RemoveTarget;
  results: readonly (RemoveResult & { engine: string })[];
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
}) {
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
      id: r.id,
      name: r.name,
      image: r.image,
      engine: r.engine,
      family: r.family,
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
    summary: {
      ...countStatuses(input.results, REMOVE_STATUSES),
      durationMs: input.durationMs,
      exitCode: input.exitCode,
      interrupted: input.interrupted,
    },
  };
}
