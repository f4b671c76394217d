import type { CheckResult } from '../../check/https-check.js';
import { colonFingerprint } from '../../cert/certificate.js';
import type { CertificateToInstall, ContainerResult } from '../../types.js';
import { printable } from '../../cli/printable.js';
import {
  containerCells,
  checksCell,
  resultTable,
  seconds,
  statusWord,
  toolsNote,
  type TableOptions,
} from '../../cli/render.js';

/** `certificate: Corp Root CA (SHA-256 AB:CD:…) as Corp_Root_CA-1a2b3c4d.crt` */
export function certificateLine({ certificate, name }: CertificateToInstall): string {
  return `certificate: ${certificate.commonName ?? certificate.subject} (SHA-256 ${colonFingerprint(certificate.fingerprint)}) as ${name}.crt`;
}

/** One row per container: what the end-of-run table and the plain progress lines show. */
export function addTable(
  results: readonly (ContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    ...containerCells(r),
    statusWord(r.status),
    r.family ?? '-',
    r.replicatedFrom !== undefined ? `replicated from ${r.replicatedFrom}` : (r.method ?? '-'),
    checkCell(r.check.before, r.check.after),
    seconds(r.durationMs),
    addReason(r),
  ]);
  return resultTable(
    ['CONTAINER', 'ID', 'IMAGE', 'STATUS', 'FAMILY', 'METHOD', 'CHECK BEFORE -> AFTER', 'TIME', 'REASON'],
    rows,
    results,
    paint,
    options,
  );
}

/** The short outcome shown on a plain progress line: `patched (1.4s)`, `failed: reason`. */
export function progressSummary(result: ContainerResult): string {
  const reason = addReason(result);
  return `${statusWord(result.status)} (${seconds(result.durationMs)})${reason ? `: ${printable(reason)}` : ''}`;
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

function addReason(result: ContainerResult): string {
  if (result.status === 'failed') return `${result.reason}${rollbackNote(result.rollback)}`;
  if (result.status === 'skipped') return result.reason;
  return '';
}

function checkCell(before: readonly CheckResult[], after: readonly CheckResult[]): string {
  if (before.length === 0 && after.length === 0) return '-';
  return `${checksCell(before)} -> ${checksCell(after)}${toolsNote(after.length > 0 ? after : before)}`;
}

function rollbackNote(rollback: string): string {
  if (rollback === 'done') return '; rolled back';
  if (rollback === 'not-needed') return '; nothing was changed';
  if (rollback === 'container-removed') return '; the container is gone, nothing to roll back';
  return '; ROLLBACK INCOMPLETE, see warnings';
}
