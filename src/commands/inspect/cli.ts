import { inspectDocument } from './json.js';
import { runInspect } from './run.js';
import { reportLines } from './details.js';
import { type IntakeArgs, passwordFrom } from '../../cli/intake-options.js';
import { writeLine, type Io } from '../../cli/io.js';

export interface InspectArgs extends IntakeArgs {
  certificate: string;
  name?: string;
  json: boolean;
}

/**
 * The terminal side of `inspect`. Exit 0 when `add` would take the input (warnings or not),
 * 2 when it would refuse it: the report is printed either way, so the user sees why.
 */
export async function inspectCli(args: InspectArgs, io: Io): Promise<number> {
  const password = await passwordFrom(args, io);
  const report = await runInspect({
    source: args.certificate,
    password,
    allowExpired: args.allowExpired,
    allowLeaf: args.allowLeaf,
    name: args.name,
  });
  if (args.json) writeLine(io.stdout, JSON.stringify(inspectDocument(report), null, 2));
  else for (const line of reportLines(report)) writeLine(io.stdout, line);
  if (report.accepted) return 0;
  const refused = report.certificates.filter((item) => item.errors.length > 0);
  writeLine(
    io.stderr,
    `trustpatch: ${report.source}: add would refuse ${refused.length} of ${report.certificates.length} certificates: ${refused[0]!.errors[0]}.`,
  );
  return 2;
}
