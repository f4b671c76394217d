import { UserError } from '../errors.js';
import type { Certificate } from './certificate.js';

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The file name (without extension) a certificate gets in an anchor directory: its CN (or the
 * start of its subject) plus a short fingerprint, in `[A-Za-z0-9._-]` only, so it can never
 * form a path.
 */
export function certificateName(certificate: Certificate): string {
  const label = certificate.commonName ?? certificate.subject;
  const cleaned = label
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 48);
  return `${cleaned || 'ca'}-${certificate.fingerprint.slice(0, 8)}`;
}

/** A user-given `--name`: refused unless it is a plain file name. */
export function checkName(name: string): string {
  const bare = name.replace(/\.(crt|pem)$/, '');
  if (!SAFE_NAME.test(bare) || bare.startsWith('.') || bare.includes('..') || bare.length > 64) {
    throw new UserError(
      `--name ${JSON.stringify(name)}: use only letters, digits, '.', '_' and '-' (at most 64, no '..', not starting with '.').`,
    );
  }
  return bare;
}

/**
 * The file name (without `.crt`) each certificate of an input gets: derived from the
 * certificate, or `--name` (numbered when the input holds several, one certificate per file).
 */
export function installNames<C extends Certificate>(
  certificates: readonly C[],
  name?: string,
): { certificate: C; name: string }[] {
  if (name === undefined)
    return certificates.map((certificate) => ({ certificate, name: certificateName(certificate) }));
  const bare = checkName(name);
  if (certificates.length === 1) return [{ certificate: certificates[0]!, name: bare }];
  return certificates.map((certificate, index) => ({ certificate, name: `${bare}-${index + 1}` }));
}
