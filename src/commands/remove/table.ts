import type { RemoveResult } from '../../undo/types.js';
import { containerCells, resultTable, seconds, statusWord, type TableOptions } from '../../cli/render.js';

export function removeTable(
  results: readonly (RemoveResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    ...containerCells(r),
    statusWord(r.status),
    r.family ?? '-',
    removedCell(r),
    seconds(r.durationMs),
    removeReason(r),
  ]);
  return resultTable(
    ['CONTAINER', 'ID', 'IMAGE', 'STATUS', 'FAMILY', 'REMOVED FROM', 'TIME', 'REASON'],
    rows,
    results,
    paint,
    options,
  );
}

/** Under the table: bundle counts, copies left in place, and a dry run's plan. */
export function removeLines(results: readonly RemoveResult[]): string[] {
  return results.flatMap((r) => [
    ...r.counts.map((c) => `${r.name}: ${c.path}: ${c.before} -> ${c.after} certificates`),
    ...r.left.map((note) => `left: ${r.name}: ${note}`),
    ...(r.status === 'planned'
      ? [
          ...r.plan.files.map((f) => `${r.name}: would change or delete ${f}`),
          ...r.plan.commands.map((argv) => `${r.name}: would run ${argv.join(' ')}`),
        ]
      : []),
  ]);
}

function removedCell(r: RemoveResult): string {
  const parts = r.removed.flatMap((c) => [
    ...(c.anchor ? [`anchor ${c.anchor}`] : []),
    ...(c.bundles.length ? [`${c.bundles.length} bundle(s)`] : []),
    ...(c.certifi.length ? [`certifi ${c.certifi.length}`] : []),
    ...(c.java.length ? [`java ${c.java.length}`] : []),
  ]);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function removeReason(r: RemoveResult): string {
  if (r.status === 'failed')
    return `${r.reason}${r.rollback === 'done' ? '; put back as it was' : r.rollback === 'not-needed' ? '; nothing was changed' : '; ROLLBACK INCOMPLETE, see warnings'}`;
  if (r.status === 'skipped') return r.reason;
  if (r.status === 'not-present') return 'trustpatch added nothing that matches here';
  return '';
}
