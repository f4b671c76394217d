import { checkSummary, type CheckResult } from '../check/https-check.js';
import { camel } from '../report/counts.js';
import type { RestartNote } from '../runtimes/restart-needed.js';
import { printable } from './printable.js';
import { renderTable } from './table.js';

/** How a table is laid out: `engine` adds a first ENGINE column (a run over several engines). */
export interface TableOptions {
  engine?: boolean;
}

/** A command's result table: the STATUS column (the fourth of `header`) is painted by status; ENGINE goes first when asked. */
export function resultTable(
  header: string[],
  rows: string[][],
  results: readonly { status: string; engine?: string }[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const shift = options.engine ? 1 : 0;
  const head = options.engine ? ['ENGINE', ...header] : header;
  const body = options.engine ? rows.map((row, index) => [results[index]!.engine ?? '-', ...row]) : rows;
  return renderTable(head, body, (row, column, text) =>
    column === 3 + shift ? paint(results[row]!.status, text) : text,
  );
}

/** The first three cells of every result row: CONTAINER, ID (12 digits, as docker ps shows it), IMAGE. */
export function containerCells(r: { name: string; id: string; image: string }): string[] {
  return [r.name, r.id.slice(0, 12), r.image];
}

export function summaryLine(counts: Record<string, number>, elapsedMs: number, order: readonly string[]): string {
  // `covered` (a store shared with another container of the run) is rare: named only when it happened.
  const shown = order.filter((status) => status !== 'covered' || (counts.covered ?? 0) > 0);
  return `${shown.map((status) => `${counts[camel(status)] ?? 0} ${statusWord(status)}`).join(', ')}; ${counts.total} container(s) in ${seconds(elapsedMs)}`;
}

/** Warnings of every container, as indented lines under the table. */
export function warningLines(results: readonly { name: string; warnings?: string[] }[]): string[] {
  return results.flatMap((r) => (r.warnings ?? []).map((w) => `warning: ${r.name}: ${printable(w)}`));
}

/** Processes that do not see the CA until restarted, one line each (add and status). */
export function restartLines(name: string, notes: readonly RestartNote[] | undefined): string[] {
  return (notes ?? []).map(
    (n) => `${name}: pid ${n.pid}${n.runtime === 'unknown' ? '' : ` ${n.runtime}`} (${clip(n.command)}): ${n.advice}`,
  );
}

/**
 * A status as a person reads it, the same in progress lines, tables and summaries: the JSON
 * value with spaces for hyphens (`already-trusted` -> `already trusted`, `not-present` ->
 * `not present`). docs/json.md lists the JSON values.
 */
export function statusWord(status: string): string {
  return status.replaceAll('-', ' ');
}

/** A duration in a table or a summary: `1.4s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The checks' short outcomes, comma-separated (`-` for none). */
export function checksCell(results: readonly CheckResult[]): string {
  return results.length === 0 ? '-' : results.map(checkSummary).join(', ');
}

/** The TLS clients the checks used: ` (curl, wget)`, or nothing. */
export function toolsNote(results: readonly CheckResult[]): string {
  const used = [...new Set(results.map((r) => r.tool).filter((t) => t !== null))];
  return used.length > 0 ? ` (${used.join(', ')})` : '';
}

function clip(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}...` : command;
}
