import { colonFingerprint } from '../../cert/certificate.js';
import type { InspectedCertificate, InspectReport } from './run.js';

/** The text form of an inspect report: one block per certificate, then the input's warnings. */
export function reportLines(report: InspectReport): string[] {
  const count = report.certificates.length;
  const lines = [`${report.source}: ${count} certificate${count === 1 ? '' : 's'}`];
  report.certificates.forEach((item, index) => {
    lines.push(
      '',
      `[${index + 1}] ${item.commonName ?? item.subject}`,
      ...certificateLines(item).map((line) => `    ${line}`),
    );
  });
  if (report.warnings.length > 0) lines.push('');
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

export function certificateLines(item: InspectedCertificate): string[] {
  const rows: [string, string][] = [
    ['subject', item.subject],
    ['issuer', `${item.issuer}${item.selfSigned ? ' (self-signed)' : ''}`],
    ['SHA-256', colonFingerprint(item.fingerprint)],
    ['serial', item.serialNumber],
    ['valid', `${item.notBefore.slice(0, 10)} to ${item.notAfter.slice(0, 10)} (${remaining(item)})`],
    ['CA', item.isCA ? 'yes' : 'no'],
    ['key', `${item.keyType}${item.keySize === null ? '' : ` (${item.keySize} bits)`}`],
    ['file name', item.fileName],
    ...item.warnings.map((text): [string, string] => ['warning', text]),
    ...item.errors.map((text): [string, string] => ['ERROR', text]),
  ];
  return rows.map(([key, value]) => `${key.padEnd(10)}${value}`);
}

function remaining(item: InspectedCertificate): string {
  if (Date.parse(item.notBefore) > Date.now()) return 'not valid yet';
  const ago = Math.floor((Date.now() - Date.parse(item.notAfter)) / 86_400_000);
  if (item.daysLeft < 0) return `expired ${ago} day${ago === 1 ? '' : 's'} ago`;
  return `${item.daysLeft} day${item.daysLeft === 1 ? '' : 's'} left`;
}
