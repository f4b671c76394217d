import type { StatusContainerResult } from '../record/status-container.js';
import type { RestartNote } from '../runtimes/restart-needed.js';
import type { StoreOutcome } from '../stores/types.js';
import type { RemoveResult } from '../undo/types.js';
import type { ContainerResult } from '../patch/types.js';
import { engineTable, statusWord, type TableOptions } from './render.js';
import { hostStoreLine } from '../host/host-store-mounts.js';
import { mountLine, mountWhere, sharedKey } from '../mounts/mount-map.js';

export function removeTable(
  results: readonly (RemoveResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    r.name,
    r.id.slice(0, 12),
    r.image,
    statusWord(r.status),
    r.family ?? '-',
    removedCell(r),
    seconds(r.durationMs),
    reasonOf(r),
  ]);
  return engineTable(
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

export function statusTable(
  results: readonly (StatusContainerResult & { engine?: string })[],
  paint: (status: string, text: string) => string,
  options: TableOptions = {},
): string {
  const rows = results.map((r) => [
    r.name,
    r.id.slice(0, 12),
    r.image,
    r.status,
    r.family ?? '-',
    certificatesCell(r),
    r.restartNeeded.length === 0 ? '-' : String(r.restartNeeded.length),
    r.reason ?? '',
  ]);
  return engineTable(
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

export function restartLines(name: string, notes: readonly RestartNote[] | undefined): string[] {
  return (notes ?? []).map(
    (n) => `${name}: pid ${n.pid}${n.runtime === 'unknown' ? '' : ` ${n.runtime}`} (${clip(n.command)}): ${n.advice}`,
  );
}

/** add's application stores, one line each. */
export function storeLines(name: string, outcomes: readonly StoreOutcome[] | undefined): string[] {
  return (outcomes ?? []).map((o) => `${name}: ${o.kind} ${o.path}: ${o.action} (${o.note})`);
}

/**
 * add's lines after the table: application stores, processes that need a restart, restarts
 * done, and once, when something was patched, how to make it permanent.
 */
export function aftercareLines(results: readonly ContainerResult[], certificate: string): string[] {
  const lines = results.flatMap((r) => [
    ...storeLines(r.name, r.stores),
    ...restartLines(r.name, r.restartNeeded),
    ...(r.restarted ? [`${r.name}: restarted; its runtime changes survive a restart but not a recreate`] : []),
  ]);
  return [...lines, ...persistenceNotes(results, certificate)];
}

/**
 * Whether, and what, to say about a recreate: the note is shown once something was patched;
 * a change written through a bind mount or volume outlives the container, and says where it lives.
 * One dockerfile command per family patched: the Dockerfile lines differ between families.
 */
export function persistenceNotes(results: readonly ContainerResult[], certificate: string): string[] {
  const patched = results.filter((r) => r.status === 'patched');
  if (patched.length === 0) return [];
  const outside = patched.flatMap((r) =>
    (r.mounts ?? [])
      .filter((m) => !m.readOnly && sharedKey(m) !== undefined)
      .map(
        (m) =>
          `note: ${r.name}: ${m.paths.join(', ')}: the change lives in ${mountWhere(m)}, outlives the container and reaches every container mounting it`,
      ),
  );
  const families = [...new Set(patched.map((r) => r.family ?? 'generic'))];
  const commands = families.map((family) => `\`trustpatch dockerfile ${certificate} --family ${family}\``);
  const dockerfile =
    commands.length === 1
      ? `${commands[0]} prints`
      : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)} print`;
  return [
    ...outside,
    `note: a recreated container loses ${outside.length > 0 ? 'the changes made in its own filesystem (anchor, record)' : 'these changes'}; ${dockerfile} the Dockerfile lines that make them permanent, and \`trustpatch image add ${certificate} ${patched[0]!.image}\` writes an image that keeps them (\`trustpatch image add --help\`)`,
  ];
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

function removedCell(r: RemoveResult): string {
  const parts = r.removed.flatMap((c) => [
    ...(c.anchor ? [`anchor ${c.anchor}`] : []),
    ...(c.bundles.length ? [`${c.bundles.length} bundle(s)`] : []),
    ...(c.certifi.length ? [`certifi ${c.certifi.length}`] : []),
    ...(c.java.length ? [`java ${c.java.length}`] : []),
  ]);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function reasonOf(r: RemoveResult): string {
  if (r.status === 'failed')
    return `${r.reason}${r.rollback === 'done' ? '; put back as it was' : r.rollback === 'not-needed' ? '; nothing was changed' : '; ROLLBACK INCOMPLETE, see warnings'}`;
  if (r.status === 'skipped') return r.reason;
  if (r.status === 'not-present') return 'trustpatch added nothing that matches here';
  return '';
}

function clip(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}...` : command;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
