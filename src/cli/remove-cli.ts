import { resolvePassword } from '../cert/password.js';
import { removeExitCode, runRemove, type RemoveReport } from '../commands/remove.js';
import { UsageError } from '../errors.js';
import type { RemoveTarget } from '../undo/target.js';
import { countStatuses } from '../report/counts.js';
import { removeDocument } from '../report/json-undo.js';
import { REMOVE_STATUSES } from '../undo/types.js';
import { writeLine, type Io } from './io.js';
import { engineChoice, runSettings, selectorFrom, type FleetArgs, type SelectorArgs } from './options.js';
import { startProgress } from './progress.js';
import { statusWord, summaryLine, warningLines } from './render.js';
import { removeLines, removeTable } from './render-undo.js';
import { painter, statusColor } from './style.js';

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
  const settings = runSettings({ ...args, check: false, checkUrl: [] }, io.env);
  const password = await resolvePassword({
    passwordFile: args.passwordFile,
    passwordEnv: args.passwordEnv,
    env: io.env,
  });
  let progress = startProgress(io, 0, { quiet: true, verb: '' });
  try {
    const report = await runRemove({
      certificate: removeTargetFrom(args),
      // With --expired no certificate is named: the first positional is a container.
      selector: selectorFrom(
        args.expired && args.certificate !== undefined
          ? { ...args, containers: [args.certificate, ...(args.containers ?? [])] }
          : args,
      ),
      password,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      dryRun: args.dryRun,
      ...engineChoice({ ...args, check: false, checkUrl: [] }, io.env),
      signal,
      onSelected: (count) => {
        progress = startProgress(io, count, { quiet: args.quiet, verb: 'removing' });
      },
      onProgress: (event) => progress.onProgress(event),
      onResult: (r) =>
        progress.finished(r.name, statusWord(r.status) + ('reason' in r ? `: ${r.reason}` : ''), r.status === 'failed'),
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
  const paint = painter(io);
  writeLine(
    io.stdout,
    removeTable(report.results, (status, text) => paint(statusColor(status), text), {
      engine: report.engines.length > 1,
    }),
  );
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
