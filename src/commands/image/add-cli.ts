import { imageAddExitCode, runImageAdd, type ImageAddReport } from './add.js';
import type { InstallMode } from '../../types.js';
import { type IntakeArgs, passwordFrom } from '../../cli/intake-options.js';
import { writeLine, type Io } from '../../cli/io.js';
import { allOf, runSettings } from '../../cli/options.js';
import { startProgress } from '../../cli/progress.js';
import { warningLines } from '../../cli/render.js';
import { addTable, certificateLine, progressSummary } from '../add/table.js';
import { storeLines } from '../add/aftercare.js';
import { patchOptionsFrom } from '../add/cli.js';
import { painter, statusColor } from '../../cli/style.js';

export interface ImageAddArgs extends IntakeArgs {
  certificate: string;
  image: string;
  tag?: string;
  force: boolean;
  name?: string;
  install: InstallMode;
  network?: string;
  checkUrl: string[];
  proxy?: string;
  timeout: number;
  stores: string[];
  json: boolean;
  quiet: boolean;
  host?: string | string[];
  context?: string | string[];
}

/** The terminal side of `image add`: progress, the patch's row, then what was written. */
export async function imageAddCli(args: ImageAddArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const settings = runSettings({ ...args, check: true, concurrency: 1 }, io.env);
  const password = await passwordFrom(args, io);
  const progress = startProgress(io, 1, { quiet: args.quiet || args.json, verb: 'patching a temporary container of' });
  try {
    const report = await runImageAdd({
      ...patchOptionsFrom(args, settings, password),
      image: args.image,
      tag: args.tag,
      force: args.force,
      network: args.network,
      hosts: allOf(args.host),
      contexts: allOf(args.context),
      env: io.env,
      signal,
      onProgress: (event) => progress.onProgress(event),
    });
    progress.stop();
    if (report.result) progress.finished(args.image, progressSummary(report.result), report.result.status === 'failed');
    const exitCode = imageAddExitCode(report);
    for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
    if (args.json) {
      writeLine(io.stdout, JSON.stringify(imageAddDocument(report, exitCode), null, 2));
      return exitCode;
    }
    for (const line of imageAddLines(report, painter(io))) writeLine(io.stdout, line);
    return exitCode;
  } finally {
    progress.stop();
  }
}

export function imageAddLines(
  report: ImageAddReport,
  paint: (color: ReturnType<typeof statusColor>, text: string) => string,
): string[] {
  const lines = report.installed.map(certificateLine);
  const { result, committed } = report;
  if (result)
    lines.push(
      addTable([result], (status, text) => paint(statusColor(status), text)),
      ...warningLines([result]),
      ...storeLines(result.name, result.stores),
    );
  if (!report.started && result)
    lines.push(
      `${report.image.reference} has no sleep: its temporary container was never started and was patched through the archive API only (nothing ran in it)`,
    );
  if (committed) {
    lines.push(
      `wrote ${report.tag} (${committed.id}) from ${report.image.reference} (${report.image.id}, unchanged): family ${result?.family ?? '-'}, method ${result?.method ?? 'none (already trusted)'}, added layer ${formatBytes(committed.layerBytes)}`,
    );
    lines.push(
      `its configuration is ${report.image.reference}'s plus the label trustpatch.ca-fingerprints${committed.config === 'rewritten' ? ' (set by a save and load: the commit alone would have kept the temporary container’s command)' : ''}`,
    );
  } else if (report.interrupted) {
    lines.push('interrupted: the temporary container was removed; no image was written');
  } else {
    lines.push(
      `no image was written: the patch of the temporary container did not succeed; ${report.image.reference} is unchanged`,
    );
  }
  return lines;
}

export function imageAddDocument(report: ImageAddReport, exitCode: number) {
  const { result, committed } = report;
  return {
    command: 'image add' as const,
    engine: report.engine,
    image: report.image,
    tag: report.tag,
    written: committed ? { id: committed.id, layerBytes: committed.layerBytes, config: committed.config } : null,
    started: report.started,
    family: result?.family ?? null,
    method: result?.method ?? null,
    status: result?.status ?? null,
    reason: result && 'reason' in result ? result.reason : null,
    check: result?.check ?? null,
    certificates: report.installed.map((c) => ({
      fingerprint: c.certificate.fingerprint,
      subject: c.certificate.subject,
      name: c.name,
    })),
    warnings: [...report.warnings, ...(result?.warnings ?? [])],
    interrupted: report.interrupted,
    exitCode,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
