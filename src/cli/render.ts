import { checkSummary, type CheckResult } from '../check/https-check.js';
import { colonFingerprint } from '../cert/certificate.js';
import type { CheckContainerResult } from '../commands/check.js';
import type { CertificateToInstall, ContainerResult } from '../patch/types.js';
import { printable } from './printable.js';
import { renderTable } from './table.js';

/** `certificate: Corp Root CA (SHA-256 AB:CD:…) as Corp_Root_CA-1a2b3c4d.crt` */
export function certificateLine({ certificate, name }: CertificateToInstall): string {
  return `certificate: ${certificate.commonName ?? certificate.subject} (SHA-256 ${colonFingerprint(certificate.fingerprint)}) as ${name}.crt`;
}

/** How a table is laid out: `engine` adds a first ENGINE column (a run over several engines). */
export interface TableOptions {
  engine?: boolean;
}

/** One row per container: what the end-of-run table and the plain progress lines show. */
export function addTable(
  results: readonly (ContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    r.name,
    r.id.slice(0, 12),
    r.image,
    statusWord(r.status),
    r.family ?? '-',
    r.method ?? '-',
    checkCell(r.check.before, r.check.after),
    seconds(r.durationMs),
    reasonOf(r),
  ]);
  return engineTable(
    ['CONTAINER', 'ID', 'IMAGE', 'STATUS', 'FAMILY', 'METHOD', 'CHECK BEFORE -> AFTER', 'TIME', 'REASON'],
    rows,
    results,
    paint,
    options,
  );
}

export function checkTable(
  results: readonly (CheckContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    r.name,
    r.id.slice(0, 12),
    r.image,
    r.status,
    checks(r.checks) + tools(r.checks),
    seconds(r.durationMs),
    r.reason ?? problems(r.checks),
  ]);
  return engineTable(['CONTAINER', 'ID', 'IMAGE', 'STATUS', 'CHECK', 'TIME', 'REASON'], rows, results, paint, options);
}

/** The STATUS column (the fourth of `header`) is painted by status; ENGINE goes first when asked (add, check, status, remove). */
export function engineTable(
  header: string[],
  rows: string[][],
  results: readonly { status: string; engine?: string }[],
  paint: (status: string, text: string) => string,
  options: TableOptions,
): string {
  const shift = options.engine ? 1 : 0;
  const head = options.engine ? ['ENGINE', ...header] : header;
  const body = options.engine ? rows.map((row, index) => [results[index]!.engine ?? '-', ...row]) : rows;
  return renderTable(head, body, (row, column, text) =>
    column === 3 + shift ? paint(results[row]!.status, text) : text,
  );
}

/** The short outcome shown on a plain progress line: `patched (1.4s)`, `failed: reason`. */
export function progressSummary(result: ContainerResult): string {
  const reason = reasonOf(result);
  return `${statusWord(result.status)} (${seconds(result.durationMs)})${reason ? `: ${printable(reason)}` : ''}`;
}

export function summaryLine(counts: Record<string, number>, elapsedMs: number, order: readonly string[]): string {
  const camel = (s: string) => s.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
  // `covered` (a store shared with another container of the run) is rare: named only when it happened.
  const shown = order.filter((status) => status !== 'covered' || (counts.covered ?? 0) > 0);
  return `${shown.map((status) => `${counts[camel(status)] ?? 0} ${statusWord(status)}`).join(', ')}; ${counts.total} container(s) in ${seconds(elapsedMs)}`;
}

/** Warnings of every container, as indented lines under the table. */
export function warningLines(results: readonly { name: string; warnings?: string[] }[]): string[] {
  return results.flatMap((r) => (r.warnings ?? []).map((w) => `warning: ${r.name}: ${printable(w)}`));
}

/** A dry run's plan per container, one line per file, command and check (minimal; to be restyled). */
export function planLines(results: readonly ContainerResult[]): string[] {
  return results.flatMap((r) => {
    if (r.status !== 'planned') return [];
    const { plan } = r;
    return [
      ...plan.files.map((file) => `${r.name}: would write ${file}`),
      ...plan.commands.map((argv) => `${r.name}: would run ${argv.join(' ')}`),
      `${r.name}: would check with ${plan.check ?? 'no TLS client: bundle verification only'}`,
    ];
  });
}

/**
 * A status as a person reads it, the same in progress lines, tables and summaries: the JSON
 * value with spaces for hyphens (`already-trusted` -> `already trusted`, `not-present` ->
 * `not present`). docs/json.md lists the JSON values.
 */
export function statusWord(status: string): string {
  return status.replaceAll('-', ' ');
}

function reasonOf(result: ContainerResult): string {
  if (result.status === 'failed') return `${result.reason}${rollbackNote(result.rollback)}`;
  if (result.status === 'skipped') return result.reason;
  return '';
}

function checkCell(before: readonly CheckResult[], after: readonly CheckResult[]): string {
  if (before.length === 0 && after.length === 0) return '-';
  return `${checks(before)} -> ${checks(after)}${tools(after.length > 0 ? after : before)}`;
}

function checks(results: readonly CheckResult[]): string {
  return results.length === 0 ? '-' : results.map(checkSummary).join(', ');
}

function tools(results: readonly CheckResult[]): string {
  const used = [...new Set(results.map((r) => r.tool).filter((t) => t !== null))];
  return used.length > 0 ? ` (${used.join(', ')})` : '';
}

function problems(results: readonly CheckResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.url}: ${r.detail}`)
    .join('; ');
}

function rollbackNote(rollback: string): string {
  if (rollback === 'done') return '; rolled back';
  if (rollback === 'not-needed') return '; nothing was changed';
  if (rollback === 'container-removed') return '; the container is gone, nothing to roll back';
  return '; ROLLBACK INCOMPLETE, see warnings';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
