import { registryLintDocument } from './json.js';
import { registryLintExitCode, runRegistryLint } from './lint.js';
import { writeLine, type Io } from '../../cli/io.js';
import { findingLines, json } from './render.js';

export interface RegistryLintArgs {
  dir: string;
  json: boolean;
}

/** The terminal side of `registry lint`: each problem with its file and fix, then a count. */
export async function registryLintCli(args: RegistryLintArgs, io: Io): Promise<number> {
  const report = await runRegistryLint({ dir: args.dir });
  if (args.json) {
    writeLine(io.stdout, json(registryLintDocument(report)));
    return registryLintExitCode(report);
  }
  for (const finding of report.findings) writeLine(io.stdout, findingLines(finding));
  const where = `${report.dir} (${report.registries.length} registr${report.registries.length === 1 ? 'y' : 'ies'})`;
  writeLine(
    io.stdout,
    report.findings.length === 0
      ? `${where}: no problems found`
      : `${where}: ${report.findings.length} problem(s) found`,
  );
  return registryLintExitCode(report);
}
