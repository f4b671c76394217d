import { removeExitCode, runRemove, type RemoveReport } from './run.js';
import { UsageError } from '../../errors.js';
import type { RemoveTarget } from '../../undo/target.js';
import { countStatuses } from '../../report/counts.js';
import { removeDocument } from './json.js';
import { REMOVE_STATUSES, type RemoveResult } from '../../undo/types.js';
import { writeLine, type Io } from '../../cli/io.js';
import { selectorFrom, type FleetArgs, type SelectorArgs, fleetChoice } from '../../cli/options.js';
import { fleetProgress } from '../../cli/progress.js';
import { statusWord, summaryLine, warningLines } from '../../cli/render.js';
import { removeLines, removeTable } from './table.js';
import { statusPainter } from '../../cli/style.js';
import { passwordFrom } from '../../cli/intake-options.js';
import type { OnEngine } from '../engines.js';

export interface RemoveArgs extends SelectorArgs, FleetArgs {
  certificate?: string;
  expired: boolean;
  passwordFile?: string;
  passwordEnv?: string;
  dryRun: boolean;
}

/** The terminal side of `remove`: progress, then a table and a summary, or one JSON document. */
export async function removeCli(args: RemoveArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const choice = fleetChoice(args, io.env);
  const password = await passwordFrom(args, io);
  const progress = fleetProgress<OnEngine<RemoveResult>>(io, { quiet: args.quiet, verb: 'removing' }, (r) => ({
    summary: statusWord(r.status) + ('reason' in r ? `: ${r.reason}` : ''),
    failed: r.status === 'failed',
  }));
  try {
    const report = await runRemove({
      ...choice,
      certificate: removeTargetFrom(args),
      // With --expired no certificate is named: the first positional is a container.
      selector: selectorFrom(
        args.expired && args.certificate !== undefined
          ? { ...args, containers: [args.certificate, ...(args.containers ?? [])] }
          : args,
      ),
      password,
      dryRun: args.dryRun,
      signal,
      ...progress.hooks,
      onProgress: progress.onProgress,
    });
    progress.stop();
    return printRemoveReport(report, args, io, Date.now() - started);
  } finally {
    progress.stop();
  }
}

/** What to remove: the certificate named, or with --expired every expired temporary entry. */
function removeTargetFrom(args: RemoveArgs): string | RemoveTarget {
  if (args.expired) return { kind: 'expired', label: 'expired temporary trust' };
  if (args.certificate === undefined || args.certificate === '')
    throw new UsageError(
      'remove: name the certificate to remove (file, fingerprint or name), or give --expired; `trustpatch status` lists what trustpatch installed.',
    );
  return args.certificate;
}

/** The table, the lines after it and the summary (or the JSON document); returns the exit status. */
export function printRemoveReport(
  report: RemoveReport,
  args: { json: boolean; dryRun: boolean },
  io: Io,
  elapsed: number,
): number {
  const exitCode = removeExitCode(report.results, report.interrupted);
  if (args.json) {
    writeLine(
      io.stdout,
      JSON.stringify(
        removeDocument({
          engines: report.engines,
          target: report.target,
          results: report.results,
          durationMs: elapsed,
          exitCode,
          interrupted: report.interrupted,
        }),
        null,
        2,
      ),
    );
    for (const line of warningLines(report.results)) writeLine(io.stderr, line);
    return exitCode;
  }
  writeLine(io.stdout, removeTable(report.results, statusPainter(io), { engine: report.engines.length > 1 }));
  for (const line of [...removeLines(report.results), ...warningLines(report.results)]) writeLine(io.stdout, line);
  if (report.interrupted) writeLine(io.stdout, 'interrupted: containers not started are listed as skipped');
  const order = args.dryRun
    ? ['planned', 'not-present', 'skipped', 'failed']
    : ['removed', 'not-present', 'skipped', 'failed'];
  writeLine(
    io.stdout,
    summaryLine(countStatuses(report.results, REMOVE_STATUSES), elapsed, order).replace('not-present', 'not present'),
  );
  return exitCode;
}
