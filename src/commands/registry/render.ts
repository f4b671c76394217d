import { colonFingerprint, type Certificate } from '../../cert/certificate.js';
import type { FileAction } from './add.js';
import type { Finding } from '../../registry/findings.js';

/** `written    /etc/docker/certs.d/reg:5000/client.key (0600)  note` */
export function actionLine(action: FileAction): string {
  const status = action.status.padEnd(11);
  let line = `${status} ${action.path} (${action.mode.toString(8).padStart(4, '0')})`;
  if (action.note) line += `  ${action.note}`;
  if (action.reason) line += `\n    reason: ${action.reason}`;
  return line;
}

export function certificateSummary(label: string, cert: Certificate): string {
  return `${label}: ${cert.commonName ?? cert.subject} (SHA-256 ${colonFingerprint(cert.fingerprint)}, until ${cert.notAfter.toISOString().slice(0, 10)})`;
}

/** Two lines per finding: the file and the problem, then the fix. */
export function findingLines(f: Finding): string {
  return `${f.path}: ${f.kind}: ${f.problem}\n    fix: ${f.fix}`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
