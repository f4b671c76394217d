import { registryAddDocument } from './json.js';
import { registryAddExitCode, runRegistryAdd } from './add.js';
import { writeLine, type Io } from '../../cli/io.js';
import { actionLine, certificateSummary, json } from './render.js';

export interface RegistryAddArgs {
  registry: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  clientName: string;
  certsDir: string;
  container?: string;
  force: boolean;
  dryRun: boolean;
  json: boolean;
  host?: string | string[];
  context?: string | string[];
}

/** The terminal side of `registry add`: what was read, each file's outcome, notes and warnings. */
export async function registryAddCli(args: RegistryAddArgs, io: Io): Promise<number> {
  const report = await runRegistryAdd({
    registry: args.registry,
    ca: args.ca,
    clientCert: args.clientCert,
    clientKey: args.clientKey,
    clientName: args.clientName,
    certsDir: args.certsDir,
    container: args.container,
    host: args.host,
    context: args.context,
    force: args.force,
    dryRun: args.dryRun,
  });
  if (args.json) {
    writeLine(io.stdout, json(registryAddDocument(report)));
    return registryAddExitCode(report);
  }
  for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
  writeLine(
    io.stdout,
    `registry ${report.registry} -> ${report.directory} on ${report.target}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  for (const cert of report.cas) writeLine(io.stdout, certificateSummary('CA', cert));
  if (report.clientCertificate)
    writeLine(io.stdout, certificateSummary('client certificate', report.clientCertificate));
  for (const note of report.notes) writeLine(io.stdout, `note: ${note}`);
  for (const action of report.actions) writeLine(io.stdout, actionLine(action));
  return registryAddExitCode(report);
}
