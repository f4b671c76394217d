import { checkSummary, type CheckResult } from '../check/https-check.js';
import { colonFingerprint, type Certificate } from '../cert/certificate.js';
import type { ContainerResult, PlanSummary } from '../patch/types.js';
import type { CertificateToInstall } from '../patch/types.js';

/** `Corp Root CA (SHA-256 AB:CD:…) -> Corp_Root_CA-1a2b3c4d.crt` */
export function certificateLine(item: CertificateToInstall): string {
  const cert: Certificate = item.certificate;
  return `certificate: ${cert.commonName ?? cert.subject} (SHA-256 ${colonFingerprint(cert.fingerprint)}) as ${item.name}.crt`;
}

/** One line per container: name, id, status, family, check before -> after, time, reason. */
export function resultLine(result: ContainerResult): string {
  const parts = [`${result.name} (${result.id.slice(0, 12)})`, statusWord(result)];
  if (result.family) parts.push(result.method === 'archive-only' ? `${result.family} (archive only)` : result.family);
  if (result.check.before.length > 0 || result.check.after.length > 0) parts.push(`check: ${checks(result.check.before)} -> ${checks(result.check.after)}${tools(result.check.after)}`);
  parts.push(`${(result.durationMs / 1000).toFixed(1)}s`);
  let line = parts.join('  ');
  if (result.status === 'failed') line += `\n    reason: ${result.reason}${rollbackNote(result.rollback)}`;
  if (result.status === 'skipped') line += `\n    reason: ${result.reason}`;
  if (result.status === 'planned') line += planLines(result.plan);
  for (const warning of result.warnings) line += `\n    warning: ${warning}`;
  return line;
}

export function summaryLine(results: readonly ContainerResult[], elapsedMs: number): string {
  const count = (status: ContainerResult['status']) => results.filter((r) => r.status === status).length;
  const planned = count('planned') > 0 ? `${count('planned')} planned (dry run, nothing changed), ` : '';
  return `${planned}${count('patched')} patched, ${count('already-trusted')} already trusted, ${count('skipped')} skipped, ${count('failed')} failed in ${(elapsedMs / 1000).toFixed(1)}s`;
}

/** The dry-run plan, one indented line per file and command (minimal: the report is restyled in src/report). */
function planLines(plan: PlanSummary): string {
  const lines = [...plan.files.map((file) => `would write: ${file}`), ...plan.commands.map((argv) => `would run: ${argv.join(' ')}`)];
  lines.push(`would check with: ${plan.check ?? 'no TLS client: bundle verification only'}`);
  return lines.map((line) => `\n    ${line}`).join('');
}

function statusWord(result: ContainerResult): string {
  return result.status === 'already-trusted' ? 'already trusted' : result.status;
}

function checks(results: readonly CheckResult[]): string {
  if (results.length === 0) return '-';
  return results.map(checkSummary).join(', ');
}

function tools(results: readonly CheckResult[]): string {
  const used = [...new Set(results.map((r) => r.tool).filter((t) => t !== null))];
  return used.length > 0 ? ` (${used.join(', ')})` : '';
}

function rollbackNote(rollback: string): string {
  if (rollback === 'done') return '; rolled back, the container is as before';
  if (rollback === 'not-needed') return '; nothing was changed';
  return '; ROLLBACK INCOMPLETE, see the warnings';
}
