import type { CheckResult } from '../../check/https-check.js';
import { containerCells, checksCell, resultTable, seconds, toolsNote, type TableOptions } from '../../cli/render.js';
import type { CheckContainerResult } from './run.js';

export function checkTable(
  results: readonly (CheckContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    ...containerCells(r),
    r.status,
    checksCell(r.checks) + toolsNote(r.checks),
    seconds(r.durationMs),
    r.reason ?? problems(r.checks),
  ]);
  return resultTable(['CONTAINER', 'ID', 'IMAGE', 'STATUS', 'CHECK', 'TIME', 'REASON'], rows, results, paint, options);
}

function problems(results: readonly CheckResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.url}: ${r.detail}`)
    .join('; ');
}
