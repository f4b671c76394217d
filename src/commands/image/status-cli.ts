import { colonFingerprint } from '../../cert/certificate.js';
import { imageStatusExitCode, runImageStatus, type ImageStatusReport } from './status.js';
import { writeLine, type Io } from '../../cli/io.js';
import { allOf } from '../../cli/options.js';
import { renderTable } from '../../cli/table.js';

export interface ImageStatusArgs {
  image: string;
  json: boolean;
  host?: string | string[];
  context?: string | string[];
}

export async function imageStatusCli(args: ImageStatusArgs, io: Io): Promise<number> {
  const report = await runImageStatus({
    image: args.image,
    hosts: allOf(args.host),
    contexts: allOf(args.context),
    env: io.env,
  });
  const exitCode = imageStatusExitCode(report);
  if (args.json) writeLine(io.stdout, JSON.stringify({ command: 'image status', ...report, exitCode }, null, 2));
  else for (const line of imageStatusLines(report)) writeLine(io.stdout, line);
  return exitCode;
}

export function imageStatusLines(report: ImageStatusReport): string[] {
  const head = `${report.image.reference} (${report.image.id})`;
  const lines =
    report.cas.length === 0
      ? [`${head}: no trustpatch CA (no record in /var/lib/trustpatch/manifest.json)`]
      : [`${head}: ${report.cas.length} trustpatch CA(s)`];
  if (report.cas.length > 0) {
    const rows = report.cas.map((ca) => [
      ca.name,
      ca.subject,
      colonFingerprint(ca.fingerprint),
      ca.family,
      ca.method ?? '-',
      ca.addedAt,
      ca.labelled ? 'yes' : 'no',
      ca.present ? 'yes' : 'MISSING',
    ]);
    lines.push(
      renderTable(
        ['NAME', 'SUBJECT', 'SHA-256', 'FAMILY', 'METHOD', 'ADDED', 'LABEL', 'IN ITS FILES'],
        rows,
        (_r, _c, text) => text,
      ),
    );
  }
  for (const fingerprint of report.unrecorded)
    lines.push(`warning: the label names ${colonFingerprint(fingerprint)}, which the record does not hold`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines;
}
