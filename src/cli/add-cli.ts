import { resolvePassword } from '../cert/password.js';
import { exitCodeFor, runAdd } from '../commands/add.js';
import type { InstallMode } from '../patch/types.js';
import { ADD_STATUSES, countStatuses } from '../report/counts.js';
import { addDocument } from '../report/json.js';
import type { IntakeArgs } from './intake-options.js';
import { writeLine, type Io } from './io.js';
import { engineChoice, runSettings, selectorFrom, type RunArgs, type SelectorArgs } from './options.js';
import { startProgress } from './progress.js';
import { addTable, certificateLine, planLines, progressSummary, summaryLine, warningLines } from './render.js';
import { painter, statusColor } from './style.js';
import { parseStores } from '../stores/types.js';
import { aftercareLines } from './render-undo.js';

export interface AddArgs extends SelectorArgs, RunArgs, IntakeArgs {
  certificate: string;
  name?: string;
  install: InstallMode;
  dryRun: boolean;
  stores: string[];
  restart: boolean;
}

/** The terminal side of `add`: progress while it runs, then a table and a summary, or one JSON document. */
export async function addCli(args: AddArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  const settings = runSettings(args, io.env);
  const password = await resolvePassword({ passwordFile: args.passwordFile, passwordEnv: args.passwordEnv, env: io.env });
  let several = false;
  let progress = startProgress(io, 0, { quiet: true, verb: '' });
  try {
    const report = await runAdd({
      certificate: args.certificate,
      selector: selectorFrom(args),
      name: args.name,
      password,
      allowExpired: args.allowExpired,
      allowLeaf: args.allowLeaf,
      checkUrls: settings.checkUrls,
      install: args.install,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      proxy: args.proxy,
      dryRun: args.dryRun,
      stores: args.stores.length > 0 ? parseStores(args.stores) : undefined,
      restart: args.restart,
      ...engineChoice(args, io.env),
      signal,
      // Before the first container is touched: a warning about the input may change the user's mind.
      onInputWarnings: (warnings) => {
        for (const warning of warnings) writeLine(io.stderr, `warning: ${warning}`);
      },
      onSelected: (count, engines) => {
        several = engines.length > 1;
        progress = startProgress(io, count, { quiet: args.quiet, verb: 'patching' });
      },
      onProgress: (event) => progress.onProgress(event),
      onResult: (result) => progress.finished(several ? `${result.name} on ${result.engine}` : result.name, progressSummary(result), result.status === 'failed'),
    });
    progress.stop();
    const exitCode = exitCodeFor(report.results, report.interrupted);
    const elapsed = Date.now() - started;
    if (args.json) {
      const document = addDocument({ engines: report.engines, installed: report.installed, warnings: report.warnings, results: report.results, durationMs: elapsed, exitCode, interrupted: report.interrupted });
      writeLine(io.stdout, JSON.stringify(document, null, 2));
      for (const line of warningLines(report.results)) writeLine(io.stderr, line);
      return exitCode;
    }
    const paint = painter(io);
    for (const item of report.installed) writeLine(io.stdout, certificateLine(item));
    writeLine(io.stdout, addTable(report.results, (status, text) => paint(statusColor(status), text), { engine: report.engines.length > 1 }));
    for (const line of warningLines(report.results)) writeLine(io.stdout, line);
    for (const line of planLines(report.results)) writeLine(io.stdout, line);
    for (const line of aftercareLines(report.results, args.certificate)) writeLine(io.stdout, line);
    if (report.interrupted) writeLine(io.stdout, 'interrupted: containers not started are listed as skipped');
    writeLine(io.stdout, summaryLine(countStatuses(report.results, ADD_STATUSES), elapsed, args.dryRun ? ['planned', 'already-trusted', 'skipped', 'failed'] : ['patched', 'already-trusted', 'skipped', 'failed']));
    return exitCode;
  } finally {
    progress.stop();
  }
}
