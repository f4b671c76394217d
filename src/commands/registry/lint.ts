import { CERTS_D } from '../../registry/certs-d.js';
import { lintCertsDir, type LintReport } from '../../registry/lint.js';
import { checkOptions } from '../check-options.js';

export interface RegistryLintOptions {
  dir?: string;
  now?: Date;
}

/** `trustpatch registry lint`: every problem the engine would trip on, with its fix. Changes nothing. */
export async function runRegistryLint(options: RegistryLintOptions = {}): Promise<LintReport> {
  options = checkOptions('runRegistryLint', options, { dir: 'string', now: 'date' });
  return lintCertsDir(options.dir ?? CERTS_D.defaultDir, { now: options.now });
}

/** 1 when lint found problems, 0 when the tree is clean (bad input is a UserError: 2). */
export function registryLintExitCode(report: LintReport): number {
  return report.findings.length > 0 ? 1 : 0;
}
