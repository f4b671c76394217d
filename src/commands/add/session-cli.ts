import { UsageError } from '../../errors.js';
import { exitCodeFor } from './run.js';
import { runAddSession, type AddSessionReport, type EndedBy, type Holding } from './session.js';
import { removeExitCode } from '../remove/run.js';
import { addDocument } from './json.js';
import { removeDocument } from '../remove/json.js';
import { addOptionsFrom, addProgress, printAddReport, type AddArgs } from './cli.js';
import { formatDuration, parseDuration } from '../../cli/duration.js';
import type { Interrupts } from '../../cli/interrupts.js';
import { writeLine, type Io } from '../../cli/io.js';
import type { OnEngine } from '../engines.js';
import type { ContainerResult } from '../../types.js';
import { ADD_STATUSES, countStatuses } from '../../report/counts.js';
import { warningLines } from '../../cli/render.js';
import { addTable } from './table.js';
import { aftercareLines } from './aftercare.js';
import { statusPainter } from '../../cli/style.js';
import { startProgress } from '../../cli/progress.js';
import { printRemoveReport } from '../remove/cli.js';
import { passwordFrom } from '../../cli/intake-options.js';

export interface AddSessionArgs extends AddArgs {
  for?: string;
  untilInterrupt: boolean;
  watch: boolean;
}

const ENDED: Record<EndedBy, string> = {
  expiry: 'the time is up',
  interrupt: 'interrupted',
  'nothing-patched': 'nothing was patched',
};

/**
 * The terminal side of `add --for` / `--until-interrupt` / `--watch`: the add report, then what
 * is held and the time left (and each container the watch patches), then the revert's report.
 * A Ctrl-C during the session is answered, not obeyed at once: the first ends the session,
 * later ones say what is still being reverted.
 */
export async function addSessionCli(args: AddSessionArgs, io: Io, interrupts: Interrupts): Promise<number> {
  const started = Date.now();
  if (args.for !== undefined && args.untilInterrupt)
    throw new UsageError(
      '--for and --until-interrupt: give one of them (--for ends at a time, --until-interrupt at Ctrl-C; both end at Ctrl-C).',
    );
  if (args.dryRun)
    throw new UsageError(
      '--dry-run plans one pass and changes nothing, so there is nothing to hold, watch or revert: run it without --for, --until-interrupt and --watch.',
    );
  const durationMs = args.for === undefined ? undefined : parseDuration(args.for);
  const password = await passwordFrom(args, io);
  const quiet = args.quiet || args.json;
  const patching = addProgress(io, quiet, 'patching');
  let reverting = startProgress(io, 0, { quiet: true, verb: '' });
  const pending = new Set<string>();
  let phase: 'patching' | 'holding' | 'reverting' = 'patching';
  let stopCountdown = () => {};
  let revertStarted = started;
  const watched: ContainerResult[] = [];
  const release = interrupts.hold(() => writeLine(io.stderr, stillBusy(phase, pending)));
  try {
    const report = await runAddSession({
      ...addOptionsFrom(args, io, password),
      isTemporary: args.for !== undefined || args.untilInterrupt,
      watch: args.watch,
      durationMs,
      signal: interrupts.signal,
      ...patching.hooks,
      onHolding: (holding, add) => {
        patching.stop();
        phase = 'holding';
        if (!args.json) printAddReport(add, args, io, Date.now() - started);
        if (!args.json) writeLine(io.stdout, holdingLine(holding, args.watch));
        if (!quiet) stopCountdown = startCountdown(io, holding);
      },
      onStarted: (start, engine) => {
        if (!args.json) writeLine(io.stdout, `watch: ${start.name} started on ${engine}`);
      },
      onWatched: (result) => {
        watched.push(result);
        if (!args.json) printWatched(result, args, io);
      },
      onWatchProblem: (problem) => writeLine(io.stderr, `watch: ${problem}`),
      onReverting: (holding, endedBy) => {
        stopCountdown();
        phase = 'reverting';
        revertStarted = Date.now();
        for (const patched of holding.patched) pending.add(patched.name);
        if (!args.json && args.watch) writeLine(io.stdout, `watch ended (${ENDED[endedBy]}): ${countLine(watched)}`);
        if (!args.json)
          writeLine(io.stdout, `reverting (${ENDED[endedBy]}): ${holding.patched.map((p) => p.name).join(', ')}`);
        reverting = startProgress(io, holding.patched.length, { quiet, verb: 'reverting' });
      },
      onRevertProgress: (event) => reverting.onProgress(event),
      onRevertResult: (result) => {
        pending.delete(result.name);
        reverting.finished(
          result.name,
          result.status + ('reason' in result ? `: ${result.reason}` : ''),
          result.status === 'failed',
        );
      },
    });
    stopCountdown();
    reverting.stop();
    return finish(report, args, io, { total: Date.now() - started, revert: Date.now() - revertStarted });
  } finally {
    stopCountdown();
    release();
    patching.stop();
    reverting.stop();
  }
}

/** Prints what is left to print and derives the exit status: the revert's failure first, then the add's. */
function finish(
  report: AddSessionReport,
  args: AddSessionArgs,
  io: Io,
  elapsed: { total: number; revert: number },
): number {
  const addCode = exitCodeFor([...report.add.results, ...report.watched]);
  if (args.json) {
    const revertCode = report.revert ? removeExitCode(report.revert.results) : 0;
    const exitCode = revertCode || addCode;
    const add = addDocument({
      engines: report.add.engines,
      installed: report.add.installed,
      warnings: report.add.warnings,
      results: report.add.results,
      durationMs: elapsed.total,
      exitCode,
      interrupted: report.add.interrupted,
    });
    const revert =
      report.revert &&
      removeDocument({
        engines: report.revert.engines,
        target: report.revert.target,
        results: report.revert.results,
        durationMs: elapsed.revert,
        exitCode: revertCode,
        interrupted: false,
      });
    const watched = args.watch
      ? addDocument({
          engines: report.add.engines,
          installed: report.add.installed,
          warnings: [],
          results: report.watched,
          durationMs: elapsed.total,
          exitCode,
          interrupted: false,
        }).containers
      : undefined;
    writeLine(
      io.stdout,
      JSON.stringify(
        {
          ...add,
          ...(watched ? { watched } : {}),
          ...(report.session ? { temporary: { ...report.session, endedBy: report.endedBy, revert } } : {}),
        },
        null,
        2,
      ),
    );
    return exitCode;
  }
  if (report.endedBy === 'nothing-patched') {
    const code = printAddReport(report.add, args, io, elapsed.total);
    if (!args.dryRun) writeLine(io.stdout, 'temporary: nothing was patched, so there is nothing to revert');
    return code;
  }
  if (report.revert === null) {
    if (args.watch) writeLine(io.stdout, `watch ended (${ENDED[report.endedBy]}): ${countLine(report.watched)}`);
    return addCode;
  }
  const revertCode = printRemoveReport(report.revert, { json: false, dryRun: false }, io, elapsed.revert);
  return revertCode || addCode;
}

function holdingLine(holding: Holding, watch: boolean): string {
  const names = holding.patched.map((p) => p.name).join(', ');
  const until =
    holding.expiresAt === null
      ? 'until Ctrl-C or SIGTERM'
      : `until ${holding.expiresAt.toISOString()} (${formatDuration(holding.expiresAt.getTime() - Date.now())}), or Ctrl-C / SIGTERM`;
  const watching = watch ? `; watching for matching containers that start` : '';
  if (holding.session === null)
    return `watch: ${names === '' ? 'nothing patched yet' : `patched ${names}`}; patching each matching container that starts ${until}`;
  const who =
    names === '' ? 'no container patched yet, ' : `${names} trust${holding.patched.length === 1 ? 's' : ''} this CA `;
  return `temporary: ${who}${until}${watching}; then exactly what was added is removed`;
}

/** One container the watch handled: the same table row and lines as the first pass. */
function printWatched(result: OnEngine<ContainerResult>, args: AddSessionArgs, io: Io): void {
  writeLine(io.stdout, addTable([result], statusPainter(io), { engine: true }));
  for (const line of [
    ...warningLines([result]),
    ...aftercareLines([result], args.certificate).filter((line) => !line.startsWith('note: ')),
  ])
    writeLine(io.stdout, line);
}

function countLine(results: readonly ContainerResult[]): string {
  const counts = countStatuses(results, ADD_STATUSES);
  return `${counts.patched ?? 0} patched, ${counts['already-trusted'] ?? 0} already trusted, ${counts.skipped ?? 0} skipped, ${counts.failed ?? 0} failed after the first pass`;
}

/** On a terminal, the time left on one line of stderr, redrawn each second. */
function startCountdown(io: Io, holding: Holding): () => void {
  if (io.stderr.isTTY !== true) return () => {};
  const expiresAt = holding.expiresAt;
  const draw = () => {
    const left = expiresAt === null ? 'until Ctrl-C' : `${formatDuration(expiresAt.getTime() - Date.now())} left`;
    const end = holding.session === null ? 'Ctrl-C stops watching' : 'Ctrl-C reverts now';
    io.stderr.write(
      `\r\x1b[2K${left} · patched: ${holding.patched.map((p) => p.name).join(', ') || 'none yet'} · ${end}`,
    );
  };
  draw();
  const timer = setInterval(draw, 1000);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    io.stderr.write('\r\x1b[2K');
  };
}

function stillBusy(phase: 'patching' | 'holding' | 'reverting', pending: ReadonlySet<string>): string {
  if (phase === 'patching')
    return 'still patching: the containers in flight finish, then everything this session changed is reverted';
  if (phase === 'holding') return 'reverting now';
  const names = [...pending].join(', ') || 'the last containers';
  return `still reverting ${names}: a container is never left half reverted, so this finishes first (kill -9 would leave them for \`trustpatch remove --expired\`)`;
}
