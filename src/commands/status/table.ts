import type { StatusContainerResult } from './worker.js';
import { containerCells, resultTable, restartLines, type TableOptions } from '../../cli/render.js';
import { hostStoreLine } from '../../host/host-store-mounts.js';
import { mountLine } from '../../mounts/mount-map.js';

export function statusTable(
  results: readonly (StatusContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    ...containerCells(r),
    r.status,
    r.family ?? '-',
    certificatesCell(r),
    r.restartNeeded.length === 0 ? '-' : String(r.restartNeeded.length),
    r.reason ?? '',
  ]);
  return resultTable(
    [
      'CONTAINER',
      'ID',
      'IMAGE',
      'STATUS',
      'FAMILY',
      'TRUSTPATCH CERTIFICATES (stores holding it)',
      'RESTART NEEDED',
      'REASON',
    ],
    rows,
    results,
    paint,
    options,
  );
}

/** Under the table: every store that lacks a certificate, and every process that needs a restart. */
export function statusLines(results: readonly StatusContainerResult[]): string[] {
  return results.flatMap((r) => [
    ...r.certificates.flatMap((c) =>
      c.stores
        .filter((s) => !s.present)
        .map(
          (s) =>
            `${r.name}: ${c.name}: not in ${s.store} ${s.path}${s.recorded ? ' (trustpatch had put it there)' : ''}`,
        ),
    ),
    ...r.certificates.flatMap((c) => (c.temporary ? [temporaryLine(r.name, c.name, c.temporary)] : [])),
    ...restartLines(r.name, r.restartNeeded),
    ...(r.mounts ?? []).map((m) => `${r.name}: trust store mount: ${mountLine(m)}`),
    ...(r.hostStore ? [hostStoreLine(r.name, r.hostStore)] : []),
    ...r.warnings.map((w) => `warning: ${r.name}: ${w}`),
  ]);
}

function temporaryLine(
  container: string,
  name: string,
  temporary: NonNullable<StatusContainerResult['certificates'][number]['temporary']>,
): string {
  if (temporary.expired !== null)
    return `${container}: ${name}: expired temporary trust (${temporary.expired}); \`trustpatch remove --expired ${container}\` takes it out`;
  const until = temporary.expiresAt === null ? 'until its session is interrupted' : `until ${temporary.expiresAt}`;
  return `${container}: ${name}: temporary trust ${until}, reverted then by trustpatch pid ${temporary.pid} on ${temporary.host}`;
}

function certificatesCell(r: StatusContainerResult): string {
  if (r.certificates.length === 0) return '-';
  return r.certificates
    .map((c) => {
      const kinds = ['bundle', 'anchor', 'certifi', 'java'].flatMap((kind) => {
        const of = c.stores.filter((s) => s.store === kind);
        if (of.length === 0) return [];
        const present = of.filter((s) => s.present).length;
        return [of.length === 1 ? (present === 1 ? kind : `no ${kind}`) : `${kind} ${present}/${of.length}`];
      });
      return `${c.name} (${kinds.join(', ')})${c.complete ? '' : ' INCOMPLETE'}`;
    })
    .join('; ');
}
