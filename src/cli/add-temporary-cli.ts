import { resolvePassword } from '../cert/password.js';
import { UsageError } from '../errors.js';
import { exitCodeFor } from '../commands/add.js';
import { runTemporaryAdd, type EndedBy, type Holding, type TemporaryAddReport } from '../commands/add-temporary.js';
import { removeExitCode } from '../commands/remove.js';
import { addDocument } from '../report/json.js';
import { removeDocument } from '../report/json-undo.js';
import { addOptionsFrom, addProgress, printAddReport, type AddArgs } from './add-cli.js';
import { formatDuration, parseDuration } from './duration.js';
import type { Interrupts } from './interrupts.js';
import { writeLine, type Io } from './io.js';
import { startProgress } from './progress.js';
import { printRemoveReport } from './remove-cli.js';

export interface TemporaryAddArgs extends AddArgs {
  for?: string;
  untilInterrupt: boolean;
}

const ENDED: Record<EndedBy, string> = { expiry: 'the time is up', interrupt: 'interrupted', 'nothing-patched': 'nothing was patched' };

/**
 * The terminal side of `add --for` / `--until-interrupt`: the add report, then what is held and
 * the time left, then the revert's report. A Ctrl-C during the session is answered, not obeyed
 * at once: the first ends the wait, later ones say what is still being reverted.
 */
export async function temporaryAddCli(args: TemporaryAddArgs, io: Io, interrupts: Interrupts): Promise<number> {
  const started = Date.now();
  if (args.for !== undefined && args.untilInterrupt) throw new UsageError('--for and --until-interrupt: give one of them (--for ends at a time, --until-interrupt at Ctrl-C; both end at Ctrl-C).');
  const durationMs = args.for === undefined ? undefined : parseDuration(args.for);
  const password = await resolvePassword({ passwordFile: args.passwordFile, passwordEnv: args.passwordEnv, env: io.env });
  const quiet = args.quiet || args.json;
  const patching = addProgress(io, quiet, 'patching');
  let reverting = startProgress(io, 0, { quiet: true, verb: '' });
  const pending = new Set<string>();
  let phase: 'patching' | 'holding' | 'reverting' = 'patching';
  let stopCountdown = () => {};
  let revertStarted = started;
  const release = interrupts.hold(() => writeLine(io.stderr, stillBusy(phase, pending)));
  try {
    const report = await runTemporaryAdd({
      ...addOptionsFrom(args, io, password),
      durationMs,
      signal: interrupts.signal,
      ...patching.hooks,
      onHolding: (holding, add) => {
        patching.stop();
        phase = 'holding';
        if (!args.json) printAddReport(add, args, io, Date.now() - started);
        if (!args.json) writeLine(io.stdout, holdingLine(holding));
        if (!quiet) stopCountdown = startCountdown(io, holding);
      },
      onReverting: (holding, endedBy) => {
        stopCountdown();
        phase = 'reverting';
        revertStarted = Date.now();
        for (const patched of holding.patched) pending.add(patched.name);
        if (!args.json) writeLine(io.stdout, `reverting (${ENDED[endedBy]}): ${holding.patched.map((p) => p.name).join(', ')}`);
        reverting = startProgress(io, holding.patched.length, { quiet, verb: 'reverting' });
      },
      onRevertProgress: (event) => reverting.onProgress(event),
      onRevertResult: (result) => {
        pending.delete(result.name);
        reverting.finished(result.name, result.status + ('reason' in result ? `: ${result.reason}` : ''), result.status === 'failed');
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
function finish(report: TemporaryAddReport, args: TemporaryAddArgs, io: Io, elapsed: { total: number; revert: number }): number {
  const addCode = exitCodeFor(report.add.results);
  if (args.json) {
    const revertCode = report.revert ? removeExitCode(report.revert.results) : 0;
    const exitCode = revertCode || addCode;
    const add = addDocument({ engines: report.add.engines, installed: report.add.installed, warnings: report.add.warnings, results: report.add.results, durationMs: elapsed.total, exitCode, interrupted: report.add.interrupted });
    const revert = report.revert && removeDocument({ engines: report.revert.engines, target: report.revert.target, results: report.revert.results, durationMs: elapsed.revert, exitCode: revertCode, interrupted: false });
    writeLine(io.stdout, JSON.stringify({ ...add, temporary: { ...report.session, endedBy: report.endedBy, revert } }, null, 2));
    return exitCode;
  }
  if (report.revert === null) {
    const code = printAddReport(report.add, args, io, elapsed.total);
    if (!args.dryRun) writeLine(io.stdout, 'temporary: nothing was patched, so there is nothing to revert');
    return code;
  }
  const revertCode = printRemoveReport(report.revert, { json: false, dryRun: false }, io, elapsed.revert);
  return revertCode || addCode;
}

function holdingLine(holding: Holding): string {
  const names = holding.patched.map((p) => p.name).join(', ');
  const until = holding.session.expiresAt === null ? 'until Ctrl-C or SIGTERM' : `until ${holding.session.expiresAt} (${formatDuration(Date.parse(holding.session.expiresAt) - Date.now())}), or Ctrl-C / SIGTERM`;
  return `temporary: ${names} trust${holding.patched.length === 1 ? 's' : ''} this CA ${until}; then exactly what was added is removed`;
}

/** On a terminal, the time left on one line of stderr, redrawn each second. */
function startCountdown(io: Io, holding: Holding): () => void {
  if (io.stderr.isTTY !== true) return () => {};
  const expiresAt = holding.session.expiresAt;
  const draw = () => {
    const left = expiresAt === null ? 'until Ctrl-C' : `${formatDuration(Date.parse(expiresAt) - Date.now())} left`;
    io.stderr.write(`\r\x1b[2K${left} · patched: ${holding.patched.map((p) => p.name).join(', ')} · Ctrl-C reverts now`);
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
  if (phase === 'patching') return 'still patching: the containers in flight finish, then everything this session changed is reverted';
  if (phase === 'holding') return 'reverting now';
  const names = [...pending].join(', ') || 'the last containers';
  return `still reverting ${names}: a container is never left half reverted, so this finishes first (kill -9 would leave them for \`trustpatch remove --expired\`)`;
}
