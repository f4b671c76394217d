import { checkExitCode, runCheckCommand } from './run.js';
import { UserError } from '../../errors.js';
import { CHECK_STATUSES, countStatuses } from '../../report/counts.js';
import { checkDocument } from './json.js';
import { writeLine, type Io } from '../../cli/io.js';
import {
  CHECK_URL_ENV,
  engineChoice,
  runSettings,
  selectorFrom,
  type RunArgs,
  type SelectorArgs,
} from '../../cli/options.js';
import { printable } from '../../cli/printable.js';
import { startProgress } from '../../cli/progress.js';
import { summaryLine } from '../../cli/render.js';
import { checkTable } from './table.js';
import { statusPainter } from '../../cli/style.js';

export type CheckArgs = SelectorArgs & RunArgs;

/** `trustpatch check`: the HTTPS check alone, with the same selection, report and JSON as `add`. */
export async function checkCli(args: CheckArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const settings = runSettings(args, io.env);
  if (settings.checkUrls.length === 0)
    throw new UserError(`check needs a URL: give --check-url https://… (or set ${CHECK_URL_ENV}).`);
  const progress = startProgress(io, 0, { quiet: true, verb: '' });
  let live = progress;
  let several = false;
  try {
    const { engines, results, interrupted } = await runCheckCommand({
      selector: selectorFrom(args),
      checkUrls: settings.checkUrls,
      proxy: args.proxy,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      ...engineChoice(args, io.env),
      signal,
      onSelected: (count, engines) => {
        several = engines.length > 1;
        live = startProgress(io, count, { quiet: args.quiet, verb: 'checking' });
      },
      onResult: (r) =>
        live.finished(
          several ? `${r.name} on ${r.engine}` : r.name,
          r.status + (r.reason ? `: ${printable(r.reason)}` : ''),
          r.status !== 'trusted',
        ),
    });
    live.stop();
    const exitCode = checkExitCode(results, interrupted);
    const elapsed = Date.now() - started;
    if (args.json) {
      writeLine(
        io.stdout,
        JSON.stringify(checkDocument({ engines, results, durationMs: elapsed, exitCode, interrupted }), null, 2),
      );
      return exitCode;
    }
    writeLine(io.stdout, checkTable(results, statusPainter(io), { engine: engines.length > 1 }));
    writeLine(io.stdout, summaryLine(countStatuses(results, CHECK_STATUSES), elapsed, CHECK_STATUSES));
    return exitCode;
  } finally {
    live.stop();
  }
}
