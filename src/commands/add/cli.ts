import { exitCodeFor, runAdd, type AddOptions, type AddReport } from './run.js';
import type { OnEngine } from '../engines.js';
import type { ContainerResult, InstallMode } from '../../types.js';
import { ADD_STATUSES, countStatuses } from '../../report/counts.js';
import { addDocument } from './json.js';
import { type IntakeArgs, passwordFrom } from '../../cli/intake-options.js';
import { writeLine, type Io } from '../../cli/io.js';
import { engineChoice, runSettings, selectorFrom, type RunArgs, type SelectorArgs } from '../../cli/options.js';
import { fleetProgress } from '../../cli/progress.js';
import { summaryLine, warningLines } from '../../cli/render.js';
import { addTable, certificateLine, planLines, progressSummary } from './table.js';
import { statusPainter } from '../../cli/style.js';
import { parseStores } from '../../app-stores/types.js';
import { aftercareLines } from './aftercare.js';
import { mountLines } from './mount-lines.js';

export interface AddArgs extends SelectorArgs, RunArgs, IntakeArgs {
  certificate: string;
  name?: string;
  install: InstallMode;
  dryRun: boolean;
  stores: string[];
  restart: boolean;
  throughMounts: boolean;
  replicate: boolean;
}

/** The terminal side of `add`: progress while it runs, then a table and a summary, or one JSON document. */
export async function addCli(args: AddArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const password = await passwordFrom(args, io);
  const progress = addProgress(io, args.quiet, 'patching');
  try {
    const report = await runAdd({ ...addOptionsFrom(args, io, password), signal, ...progress.hooks });
    progress.stop();
    return printAddReport(report, args, io, Date.now() - started);
  } finally {
    progress.stop();
  }
}

/** What the flags ask of runAdd (selection, checks, stores, engines), without the hooks. */
export function addOptionsFrom(args: AddArgs, io: Io, password: string | undefined): AddOptions {
  const settings = runSettings(args, io.env);
  return {
    ...patchOptionsFrom(args, settings, password),
    selector: selectorFrom(args),
    concurrency: settings.concurrency,
    dryRun: args.dryRun,
    restart: args.restart,
    throughMounts: args.throughMounts,
    replicate: args.replicate,
    ...engineChoice(args, io.env),
    // Before the first container is touched: a warning about the input may change the user's mind.
    onInputWarnings: (warnings) => {
      for (const warning of warnings) writeLine(io.stderr, `warning: ${warning}`);
    },
  };
}

/** The certificate and how to patch with it: what add and image add take alike from their flags. */
export function patchOptionsFrom(
  args: IntakeArgs & { certificate: string; name?: string; install: InstallMode; proxy?: string; stores: string[] },
  settings: { checkUrls: string[]; timeoutMs: number },
  password: string | undefined,
) {
  return {
    certificate: args.certificate,
    name: args.name,
    password,
    allowExpired: args.allowExpired,
    allowLeaf: args.allowLeaf,
    checkUrls: settings.checkUrls,
    install: args.install,
    timeoutMs: settings.timeoutMs,
    proxy: args.proxy,
    stores: args.stores.length > 0 ? parseStores(args.stores) : undefined,
  };
}

/** Progress on stderr for a patching (or reverting) fleet: the hooks to hand to the command, and stop. */
export function addProgress(io: Io, quiet: boolean, verb: string) {
  const progress = fleetProgress<OnEngine<ContainerResult>>(io, { quiet, verb, engineNames: true }, (result) => ({
    summary: progressSummary(result),
    failed: result.status === 'failed',
  }));
  return { hooks: { ...progress.hooks, onProgress: progress.onProgress }, stop: progress.stop };
}

/** The table, the lines after it and the summary (or the JSON document); returns the exit status. */
export function printAddReport(report: AddReport, args: AddArgs, io: Io, elapsed: number): number {
  const exitCode = exitCodeFor(report.results, report.interrupted);
  if (args.json) {
    const document = addDocument({
      engines: report.engines,
      installed: report.installed,
      warnings: report.warnings,
      results: report.results,
      durationMs: elapsed,
      exitCode,
      interrupted: report.interrupted,
    });
    writeLine(io.stdout, JSON.stringify(document, null, 2));
    for (const line of warningLines(report.results)) writeLine(io.stderr, line);
    return exitCode;
  }
  for (const item of report.installed) writeLine(io.stdout, certificateLine(item));
  writeLine(io.stdout, addTable(report.results, statusPainter(io), { engine: report.engines.length > 1 }));
  for (const line of warningLines(report.results)) writeLine(io.stdout, line);
  for (const line of planLines(report.results)) writeLine(io.stdout, line);
  for (const line of mountLines(report.results)) writeLine(io.stdout, line);
  for (const line of aftercareLines(report.results, args.certificate)) writeLine(io.stdout, line);
  if (report.interrupted) writeLine(io.stdout, 'interrupted: containers not started are listed as skipped');
  writeLine(
    io.stdout,
    summaryLine(
      countStatuses(report.results, ADD_STATUSES),
      elapsed,
      args.dryRun
        ? ['planned', 'already-trusted', 'skipped', 'failed']
        : ['patched', 'already-trusted', 'covered', 'skipped', 'failed'],
    ),
  );
  return exitCode;
}
