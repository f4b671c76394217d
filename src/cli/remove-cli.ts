import { resolvePassword } from '../cert/password.js';
import { removeExitCode, runRemove } from '../commands/remove.js';
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
  certificate: string;
  passwordFile?: string;
  passwordEnv?: string;
  dryRun: boolean;
}

/** The terminal side of `remove`: progress, then a table and a summary, or one JSON document. */
export async function removeCli(args: RemoveArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const settings = runSettings({ ...args, check: false, checkUrl: [] }, io.env);
  const password = await resolvePassword({ passwordFile: args.passwordFile, passwordEnv: args.passwordEnv, env: io.env });
  let progress = startProgress(io, 0, { quiet: true, verb: '' });
  try {
    const report = await runRemove({
      certificate: args.certificate,
      selector: selectorFrom(args),
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
      onResult: (r) => progress.finished(r.name, statusWord(r.status) + ('reason' in r ? `: ${r.reason}` : ''), r.status === 'failed'),
    });
    progress.stop();
    const exitCode = removeExitCode(report.results, report.interrupted);
    const elapsed = Date.now() - started;
    if (args.json) {
      writeLine(io.stdout, JSON.stringify(removeDocument({ engines: report.engines, target: report.target, results: report.results, durationMs: elapsed, exitCode, interrupted: report.interrupted }), null, 2));
      for (const line of warningLines(report.results)) writeLine(io.stderr, line);
      return exitCode;
    }
    const paint = painter(io);
    writeLine(io.stdout, removeTable(report.results, (status, text) => paint(statusColor(status), text)));
    for (const line of [...removeLines(report.results), ...warningLines(report.results)]) writeLine(io.stdout, line);
    if (report.interrupted) writeLine(io.stdout, 'interrupted: containers not started are listed as skipped');
    const order = args.dryRun ? ['planned', 'not-present', 'skipped', 'failed'] : ['removed', 'not-present', 'skipped', 'failed'];
    writeLine(io.stdout, summaryLine(countStatuses(report.results, REMOVE_STATUSES), elapsed, order));
    return exitCode;
  } finally {
    progress.stop();
  }
}
