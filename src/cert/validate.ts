import { UserError } from '../errors.js';
import type { Certificate } from './certificate.js';

export interface ValidateOptions {
  /** Install expired and not-yet-valid certificates anyway (a warning instead of an error). */
  allowExpired?: boolean;
  /** Install a certificate that is neither a CA nor self-signed (a warning instead of an error). */
  allowLeaf?: boolean;
  /** The clock, injectable for tests. */
  now?: Date;
}

/** What is wrong with one certificate: errors refuse the input, warnings are shown. */
export interface Findings {
  errors: string[];
  warnings: string[];
}

/** A certificate this close to its end gets a warning: it will have to be replaced soon. */
export const EXPIRY_WARNING_DAYS = 30;
/** More certificates than this in one input is probably a whole system bundle handed by mistake. */
export const BUNDLE_WARNING_COUNT = 20;
const DAY_MS = 86_400_000;

/** Whole days from `now` until the certificate expires; negative once it has. */
export function daysLeft(certificate: Certificate, now = new Date()): number {
  return Math.floor((certificate.notAfter.getTime() - now.getTime()) / DAY_MS);
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The findings for one certificate of an input (`all` is the whole input, to find issuers in it). */
export function findingsFor(
  certificate: Certificate,
  all: readonly Certificate[],
  options: ValidateOptions = {},
): Findings {
  const now = options.now ?? new Date();
  const label = `"${certificate.commonName ?? certificate.subject}"`;
  const errors: string[] = [];
  const warnings: string[] = [];
  const timeProblem = (message: string) =>
    options.allowExpired
      ? warnings.push(`${message} (accepted: --allow-expired)`)
      : errors.push(`${message}; get a current certificate from its issuer, or pass --allow-expired`);
  const left = daysLeft(certificate, now);
  if (certificate.notAfter.getTime() < now.getTime()) {
    const ago = Math.floor((now.getTime() - certificate.notAfter.getTime()) / DAY_MS);
    timeProblem(`${label} expired on ${isoDay(certificate.notAfter)} (${ago} day${ago === 1 ? '' : 's'} ago)`);
  } else if (certificate.notBefore.getTime() > now.getTime()) {
    timeProblem(`${label} is not valid before ${isoDay(certificate.notBefore)} (check this machine's clock)`);
  } else if (left < EXPIRY_WARNING_DAYS) {
    warnings.push(
      `${label} expires on ${isoDay(certificate.notAfter)}, in ${left} day${left === 1 ? '' : 's'}: plan its replacement`,
    );
  }
  if (!certificate.isCA && !certificate.selfSigned) {
    // It can vouch only for a server presenting this very certificate, and only until that
    // server's certificate is renewed: almost always the server's certificate given by mistake.
    const leaf = `${label} is neither a CA certificate (no basicConstraints CA:TRUE) nor self-signed: it looks like a server's own certificate, which vouches for nothing but itself`;
    if (options.allowLeaf) warnings.push(`${leaf} (accepted: --allow-leaf)`);
    else
      errors.push(
        `${leaf}; give the CA that issued it instead (issuer: ${certificate.issuer}; for an intercepting proxy, \`trustpatch fetch-ca URL\` reads it), or pass --allow-leaf to trust this certificate alone`,
      );
  } else if (!certificate.isCA) {
    warnings.push(
      `${label} is not a CA certificate (no basicConstraints CA:TRUE): it cannot vouch for other certificates, so trusting it only makes clients accept a server that presents this very certificate`,
    );
  } else if (
    !certificate.selfIssued &&
    !all.some((other) => other !== certificate && certificate.x509.checkIssued(other.x509))
  ) {
    warnings.push(
      `${label} is an intermediate CA (issued by ${certificate.issuer}), not a root: clients that do not accept partial chains (e.g. Python before 3.13) also need that root`,
    );
  }
  return { errors, warnings };
}

/**
 * Checks every certificate of an input before anything is changed: throws a UserError for the
 * first error (expired, not yet valid), returns the warnings otherwise.
 */
export function validateCertificates(
  certificates: readonly Certificate[],
  source: string,
  options: ValidateOptions = {},
): string[] {
  const warnings: string[] = [];
  for (const certificate of certificates) {
    const findings = findingsFor(certificate, certificates, options);
    if (findings.errors.length > 0) throw new UserError(`${source}: ${findings.errors[0]}.`);
    warnings.push(...findings.warnings.map((warning) => `${source}: ${warning}.`));
  }
  return [...warnings, ...inputWarnings(certificates, source)];
}

/** Warnings about the input as a whole rather than one certificate of it. */
export function inputWarnings(certificates: readonly Certificate[], source: string): string[] {
  if (certificates.length <= BUNDLE_WARNING_COUNT) return [];
  return [
    `${source}: ${certificates.length} certificates: this looks like a whole CA bundle; each would be installed as its own file.`,
  ];
}
