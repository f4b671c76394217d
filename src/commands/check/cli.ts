import { checkExitCode, runCheckCommand, type CheckContainerResult } from './run.js';
import { UserError } from '../../errors.js';
import { CHECK_STATUSES, countStatuses } from '../../report/counts.js';
import { checkDocument } from './json.js';
import { writeLine, type Io } from '../../cli/io.js';
import { CHECK_URL_ENV, runSettings, type RunArgs, type SelectorArgs } from '../../cli/options.js';
import { printable } from '../../cli/printable.js';
import { fleetProgress } from '../../cli/progress.js';
import { summaryLine } from '../../cli/render.js';
import { checkTable } from './table.js';
import { statusPainter } from '../../cli/style.js';
import type { OnEngine } from '../engines.js';
import { fleetChoice } from '../../cli/options.js';

export type CheckArgs = SelectorArgs & RunArgs;

/** `trustpatch check`: the HTTPS check alone, with the same selection, report and JSON as `add`. */
export async function checkCli(args: CheckArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const settings = runSettings(args, io.env);
  if (settings.checkUrls.length === 0)
    throw new UserError(`check needs a URL: give --check-url https://… (or set ${CHECK_URL_ENV}).`);
  const progress = fleetProgress<OnEngine<CheckContainerResult>>(
    io,
    { quiet: args.quiet, verb: 'checking', engineNames: true },
    (r) => ({ summary: r.status + (r.reason ? `: ${printable(r.reason)}` : ''), failed: r.status !== 'trusted' }),
  );
  try {
    const { engines, results, interrupted } = await runCheckCommand({
      ...fleetChoice(args, io.env),
      checkUrls: settings.checkUrls,
      proxy: args.proxy,
      signal,
      ...progress.hooks,
    });
    progress.stop();
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
    progress.stop();
  }
}
