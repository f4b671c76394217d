import { UserError } from '../errors.js';
import { certificateFromDer, type Certificate } from './certificate.js';
import { firstElementLength } from './der.js';
import { classifyDer, KIND_NAMES, MalformedDerError, type DerKind } from './detect-format.js';
import { certificatesFromPkcs7 } from './pkcs7.js';
import { Pkcs12PasswordError, readPkcs12 } from './pkcs12.js';
import { Pkcs12LimitError } from './pkcs12-limits.js';
import { looksLikePem, pemBlocks, unterminatedLabel } from './pem.js';

export interface ReadOptions {
  /** PKCS#12 password; absent means the empty password. */
  password?: string;
}

/** The certificates found in one input, deduplicated, in order, before any validity check. */
export interface ReadCertificates {
  certificates: Certificate[];
  warnings: string[];
}

/** What one PEM block or DER blob yielded: certificates, and what else was there (for messages). */
interface Found {
  ders: Buffer[];
  keys: number;
  other: string[];
}

const nothing = (other: string, keys = 0): Found => ({ ders: [], keys, other: [other] });

/** More than any CA chain or system bundle holds (Mozilla's has about 150): each becomes a file in every container. */
export const MAX_CERTIFICATES = 1000;

const NEXT_STEP = 'give the CA certificate as PEM, DER, PKCS#7 (.p7b) or PKCS#12 (.p12)';

/** Judges the bytes by content (PEM, DER, PKCS#7, PKCS#12), never by the file name. */
export function readCertificates(bytes: Buffer, source: string, options: ReadOptions = {}): ReadCertificates {
  if (bytes.length === 0) throw new UserError(`${source}: the file is empty; ${NEXT_STEP}.`);
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = body.toString('latin1');
  const found = looksLikePem(text) ? fromPem(text, source, options) : fromDerFile(body, source, options);
  if (found.ders.length === 0) {
    const what = found.other.length > 0 ? [...new Set(found.other)].join(', ') : 'no PEM block';
    throw new UserError(
      `${source}: found ${what} and no certificate; ${NEXT_STEP}${found.keys > 0 ? ', not its key' : ''}.`,
    );
  }
  if (found.ders.length > MAX_CERTIFICATES) {
    throw new UserError(
      `${source}: holds ${found.ders.length} certificates, more than the ${MAX_CERTIFICATES} trustpatch reads from one input; give the CA certificate alone (or the CA and its chain).`,
    );
  }
  const warnings: string[] = [];
  if (found.keys > 0)
    warnings.push(`${source}: the private key in the file was ignored; it is never copied, written or printed.`);
  const certificates: Certificate[] = [];
  found.ders.forEach((der, index) => {
    const certificate = parse(der, found.ders.length > 1 ? `certificate ${index + 1}` : 'the certificate', source);
    if (!certificates.some((c) => c.fingerprint === certificate.fingerprint)) certificates.push(certificate);
  });
  const dropped = found.ders.length - certificates.length;
  if (dropped > 0) warnings.push(`${source}: ${dropped} duplicate certificate${dropped > 1 ? 's' : ''} dropped.`);
  return { certificates, warnings };
}

function fromPem(text: string, source: string, options: ReadOptions): Found {
  const open = unterminatedLabel(text);
  if (open !== undefined)
    throw new UserError(
      `${source}: a BEGIN ${open} line has no END line: the file is truncated or damaged; get it again.`,
    );
  const found: Found = { ders: [], keys: 0, other: [] };
  pemBlocks(text).forEach((block, index) => {
    // Keys are counted and dropped unread: nothing of them goes further than this line.
    const part = block.label.includes('PRIVATE KEY')
      ? nothing(`a ${block.label} block`, 1)
      : fromDer(
          block.der,
          `the ${block.label} block${index > 0 ? ` (block ${index + 1})` : ''}`,
          source,
          options,
          block.label,
        );
    found.ders.push(...part.ders);
    found.keys += part.keys;
    found.other.push(...part.other);
  });
  return found;
}

/** A binary file: one DER element, or several back to back (`cat a.der b.der`). */
function fromDerFile(bytes: Buffer, source: string, options: ReadOptions): Found {
  const found: Found = { ders: [], keys: 0, other: [] };
  let rest = bytes;
  do {
    const length = firstElementLength(rest) ?? rest.length;
    const part = fromDer(
      rest.subarray(0, length),
      found.ders.length === 0 ? 'the file' : 'the data after the first certificate',
      source,
      options,
    );
    found.ders.push(...part.ders);
    found.keys += part.keys;
    found.other.push(...part.other);
    // Trailing line ends or NUL padding after the last element are not data.
    rest = rest.subarray(length);
  } while (rest.some((byte) => byte !== 0x00 && byte !== 0x0a && byte !== 0x0d));
  return found;
}

function fromDer(der: Buffer, where: string, source: string, options: ReadOptions, label?: string): Found {
  const kind = kindOf(der, where, source);
  switch (kind) {
    case 'certificate':
      return { ders: [der.subarray(0, firstElementLength(der) ?? der.length)], keys: 0, other: [] };
    case 'pkcs7': {
      const ders = certificatesFromPkcs7(der);
      return ders.length > 0 ? { ders, keys: 0, other: [] } : nothing('an empty PKCS#7 bundle');
    }
    case 'pkcs12':
      return fromPkcs12(der, source, options);
    case 'private-key':
      return nothing(label === undefined ? 'a DER private key' : `a ${label} block`, 1);
    case 'unknown':
      return nothing(label === undefined ? 'DER data of an unknown kind' : `a ${label} block of an unknown kind`);
    default:
      return nothing(
        label === undefined
          ? `a DER ${KIND_NAMES[kind]}`
          : `a ${label} block${/CERTIFICATE$|PKCS7/.test(label) ? ` holding a ${KIND_NAMES[kind]}` : ''}`,
      );
  }
}

function fromPkcs12(der: Buffer, source: string, options: ReadOptions): Found {
  try {
    const contents = readPkcs12(der, options.password);
    if (contents.certificates.length === 0)
      return nothing(
        contents.keyCount > 0 ? 'a PKCS#12 file holding only a private key' : 'an empty PKCS#12 file',
        contents.keyCount,
      );
    return { ders: contents.certificates, keys: contents.keyCount, other: [] };
  } catch (error) {
    if (error instanceof Pkcs12LimitError) {
      throw new UserError(
        `${source}: the PKCS#12 file: ${error.message}: refusing to spend that long on it; re-export it (openssl pkcs12 -export -iter 2048) or give the CA certificate as PEM.`,
      );
    }
    if (error instanceof Pkcs12PasswordError) {
      throw new UserError(
        `${source}: PKCS#12 file: ${error.message}; give it with --password-file FILE or the TRUSTPATCH_P12_PASSWORD environment variable.`,
      );
    }
    throw new UserError(
      `${source}: the PKCS#12 file is corrupt or its password is wrong (${(error as Error).message}); get the file again.`,
    );
  }
}

function kindOf(der: Buffer, where: string, source: string): DerKind {
  try {
    return classifyDer(der);
  } catch (error) {
    if (!(error instanceof MalformedDerError)) throw error;
    if (where !== 'the file')
      throw new UserError(
        `${source}: ${where} is damaged (${error.message.replace('neither PEM blocks nor ', 'no ')} inside): the file is corrupt or truncated; get it again.`,
      );
    throw new UserError(
      `${source}: found ${error.message}: the file is corrupt, truncated or not a certificate; ${NEXT_STEP}.`,
    );
  }
}

function parse(der: Buffer, what: string, source: string): Certificate {
  let certificate: Certificate;
  try {
    certificate = certificateFromDer(der);
  } catch (error) {
    throw new UserError(
      `${source}: ${what} cannot be read (${(error as Error).message}): it is corrupt or truncated; get the file again.`,
    );
  }
  // Only a self-issued certificate can be checked on its own: a failed self-signature means damage.
  if (certificate.selfIssued && !certificate.selfSigned) {
    throw new UserError(
      `${source}: ${what} ("${certificate.commonName ?? certificate.subject}") names itself as its issuer but its signature does not verify: the file is damaged or altered; get it again.`,
    );
  }
  return certificate;
}
