import { runStatus, statusExitCode, type StatusContainerResult } from './run.js';
import { countStatuses, STATUS_STATUSES } from '../../report/counts.js';
import { statusDocument } from './json.js';
import { parseStores } from '../../app-stores/types.js';
import { writeLine, type Io } from '../../cli/io.js';
import { type FleetArgs, type SelectorArgs, fleetChoice } from '../../cli/options.js';
import { fleetProgress } from '../../cli/progress.js';
import { summaryLine } from '../../cli/render.js';
import { statusLines, statusTable } from './table.js';
import { statusPainter } from '../../cli/style.js';
import type { OnEngine } from '../engines.js';

export interface StatusArgs extends SelectorArgs, FleetArgs {
  stores: string[];
}

/** `trustpatch status`: one row per container, then the stores that lack a certificate and the processes that need a restart. */
export async function statusCli(args: StatusArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const choice = fleetChoice(args, io.env);
  const stores = parseStores(args.stores);
  const progress = fleetProgress<OnEngine<StatusContainerResult>>(io, { quiet: args.quiet, verb: 'looking' }, (r) => ({
    summary: r.status + (r.reason ? `: ${r.reason}` : ''),
    failed: r.status === 'failed',
  }));
  try {
    const { engines, results, interrupted } = await runStatus({
      ...choice,
      stores,
      signal,
      ...progress.hooks,
    });
    progress.stop();
    const exitCode = statusExitCode(results, interrupted);
    const elapsed = Date.now() - started;
    if (args.json) {
      writeLine(
        io.stdout,
        JSON.stringify(statusDocument({ engines, results, durationMs: elapsed, exitCode, interrupted }), null, 2),
      );
      return exitCode;
    }
    writeLine(io.stdout, statusTable(results, statusPainter(io), { engine: engines.length > 1 }));
    for (const line of statusLines(results)) writeLine(io.stdout, line);
    writeLine(io.stdout, summaryLine(countStatuses(results, STATUS_STATUSES), elapsed, STATUS_STATUSES));
    return exitCode;
  } finally {
    progress.stop();
  }
}
