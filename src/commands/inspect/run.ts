import type { Certificate } from '../../cert/certificate.js';
import { displayName, readInput } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import { readCertificates } from '../../cert/read.js';
import { daysLeft, findingsFor, inputWarnings } from '../../cert/validate.js';
import { checkOptions } from '../check-options.js';

export interface InspectOptions {
  /** A file, or `-` for standard input. */
  source: string;
  password?: string;
  allowExpired?: boolean;
  /** As add's --allow-leaf: a certificate neither CA nor self-signed is then only a warning. */
  allowLeaf?: boolean;
  /** The `--name` that `add` would be given, to show the file names it would produce. */
  name?: string;
  now?: Date;
  stdin?: AsyncIterable<Buffer | string>;
}

/** One certificate as `inspect --json` prints it. */
export interface InspectedCertificate {
  subject: string;
  issuer: string;
  commonName: string | null;
  /** SHA-256 of the DER, lower-case hex: the same form as every other fingerprint trustpatch prints in JSON. */
  fingerprint: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  isCA: boolean;
  selfSigned: boolean;
  keyType: string;
  keySize: number | null;
  fileName: string;
  warnings: string[];
  /** Reasons `add` would refuse this certificate (without --allow-expired). */
  errors: string[];
}

export interface InspectReport {
  source: string;
  certificates: InspectedCertificate[];
  /** About the input as a whole: an ignored key, dropped duplicates, a whole bundle. */
  warnings: string[];
  /** Whether `add` would take this input with the same options. */
  accepted: boolean;
}

/**
 * `trustpatch inspect`: what `add` would install from an input, and what it would say about it.
 * Unreadable input throws the same UserError `add` would; certificates that `add` would refuse
 * (expired) are still described, with their errors, so the user sees why.
 */
export async function runInspect(options: InspectOptions): Promise<InspectReport> {
  options = checkOptions('runInspect', options, {
    source: 'string!',
    password: 'string',
    allowExpired: 'boolean',
    allowLeaf: 'boolean',
    name: 'string',
    now: 'date',
    stdin: 'object',
  });
  const source = displayName(options.source);
  const bytes = await readInput(options.source, options.stdin);
  const read = readCertificates(bytes, source, { password: options.password });
  return describeCertificates(read.certificates, source, { ...options, warnings: read.warnings });
}

/** The report for certificates already in hand (also what `fetch-ca` prints). */
export function describeCertificates(
  certificates: readonly Certificate[],
  source: string,
  options: Omit<InspectOptions, 'source' | 'stdin' | 'password'> & { warnings?: string[] },
): InspectReport {
  const now = options.now ?? new Date();
  const described = installNames(certificates, options.name).map(({ certificate, name }) => {
    const findings = findingsFor(certificate, certificates, {
      allowExpired: options.allowExpired,
      allowLeaf: options.allowLeaf,
      now,
    });
    return { ...summary(certificate, now), fileName: `${name}.crt`, ...findings };
  });
  return {
    source,
    certificates: described,
    warnings: [...(options.warnings ?? []), ...inputWarnings(certificates, source)],
    accepted: described.every((item) => item.errors.length === 0),
  };
}

function summary(certificate: Certificate, now: Date): Omit<InspectedCertificate, 'fileName' | 'warnings' | 'errors'> {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    commonName: certificate.commonName ?? null,
    fingerprint: certificate.fingerprint,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    daysLeft: daysLeft(certificate, now),
    isCA: certificate.isCA,
    selfSigned: certificate.selfSigned,
    keyType: certificate.keyType,
    keySize: certificate.keySize ?? null,
  };
}
