import { runStatus, statusExitCode } from '../commands/status.js';
import { countStatuses } from '../report/counts.js';
import { STATUS_STATUSES, statusDocument } from '../report/json-undo.js';
import { parseStores } from '../stores/types.js';
import { writeLine, type Io } from './io.js';
import { engineChoice, runSettings, selectorFrom, type FleetArgs, type SelectorArgs } from './options.js';
import { startProgress } from './progress.js';
import { summaryLine } from './render.js';
import { statusLines, statusTable } from './render-undo.js';
import { painter, statusColor } from './style.js';

export interface StatusArgs extends SelectorArgs, FleetArgs {
  stores: string[];
}

/** `trustpatch status`: one row per container, then the stores that lack a certificate and the processes that need a restart. */
export async function statusCli(args: StatusArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const settings = runSettings({ ...args, check: false, checkUrl: [] }, io.env);
  const stores = parseStores(args.stores);
  let progress = startProgress(io, 0, { quiet: true, verb: '' });
  try {
    const { engines, results, interrupted } = await runStatus({
      selector: selectorFrom(args),
      stores,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      ...engineChoice({ ...args, check: false, checkUrl: [] }, io.env),
      signal,
      onSelected: (count) => {
        progress = startProgress(io, count, { quiet: args.quiet, verb: 'looking' });
      },
      onResult: (r) => progress.finished(r.name, r.status + (r.reason ? `: ${r.reason}` : ''), r.status === 'failed'),
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
    const paint = painter(io);
    writeLine(
      io.stdout,
      statusTable(results, (status, text) => paint(statusColor(status), text), { engine: engines.length > 1 }),
    );
    for (const line of statusLines(results)) writeLine(io.stdout, line);
    writeLine(io.stdout, summaryLine(countStatuses(results, STATUS_STATUSES), elapsed, STATUS_STATUSES));
    return exitCode;
  } finally {
    progress.stop();
  }
}
