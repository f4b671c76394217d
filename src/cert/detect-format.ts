import { children, firstElementLength, isUniversal, oidOf, parseAsn1, Type, type Asn1 } from './der.js';

/** What a DER blob is, judged by its structure (never by a file name). */
export type DerKind =
  | 'certificate'
  | 'pkcs7'
  | 'pkcs12'
  | 'private-key'
  | 'certificate-request'
  | 'crl'
  | 'public-key'
  | 'unknown';

/** How each kind is named in messages: "found a PKCS#12 file", "found a private key". */
export const KIND_NAMES: Record<DerKind, string> = {
  certificate: 'certificate',
  pkcs7: 'PKCS#7 bundle',
  pkcs12: 'PKCS#12 file',
  'private-key': 'private key',
  'certificate-request': 'certificate request (CSR)',
  crl: 'certificate revocation list',
  'public-key': 'bare public key',
  unknown: 'unrecognised data',
};

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const DATA = '1.2.840.113549.1.7.1';

/** Thrown when the bytes are not even well-formed DER: the caller says "corrupt or truncated". */
export class MalformedDerError extends Error {}

/**
 * Classifies one DER element. Trailing bytes after it are tolerated only for a certificate
 * (OpenSSL's TRUSTED CERTIFICATE appends its trust settings); the caller slices those off.
 */
export function classifyDer(bytes: Buffer): DerKind {
  const length = firstElementLength(bytes);
  if (bytes[0] !== 0x30) throw new MalformedDerError('neither PEM blocks nor DER data');
  if (length === undefined && !isIndefinite(bytes))
    throw new MalformedDerError('DER data that ends before its declared length');
  let root: Asn1;
  try {
    root = parseAsn1(bytes);
  } catch (error) {
    throw new MalformedDerError(`DER data that cannot be parsed (${(error as Error).message})`);
  }
  return kindOf(root);
}

function kindOf(root: Asn1): DerKind {
  const top = children(root);
  if (oidOf(top[0]) === SIGNED_DATA) return 'pkcs7';
  if (isUniversal(top[0], Type.INTEGER) && isUniversal(top[1], Type.SEQUENCE) && oidOf(children(top[1])[0]) === DATA)
    return 'pkcs12';
  if (
    top.length === 3 &&
    isUniversal(top[0], Type.SEQUENCE) &&
    isUniversal(top[1], Type.SEQUENCE) &&
    isUniversal(top[2], Type.BITSTRING)
  )
    return signedKind(children(top[0]));
  if (isPrivateKey(top)) return 'private-key';
  if (top.length === 2 && isUniversal(top[0], Type.SEQUENCE) && isUniversal(top[1], Type.BITSTRING))
    return 'public-key';
  return 'unknown';
}

/** Certificates, CSRs and CRLs share the outer shape; their to-be-signed parts differ. */
function signedKind(tbs: Asn1[]): DerKind {
  const isTime = (node: Asn1 | undefined) => isUniversal(node, Type.UTCTIME) || isUniversal(node, Type.GENERALIZEDTIME);
  if (tbs.length === 4 && isUniversal(tbs[0], Type.INTEGER) && tbs[3]?.tagClass === 0x80) return 'certificate-request';
  if (isTime(tbs[2]) || isTime(tbs[3])) return 'crl';
  return 'certificate';
}

/** PKCS#8 (plain or encrypted), PKCS#1 RSA and SEC 1 EC private keys. */
function isPrivateKey(top: Asn1[]): boolean {
  const integer = (node: Asn1 | undefined) => isUniversal(node, Type.INTEGER);
  const octets = (node: Asn1 | undefined) => isUniversal(node, Type.OCTETSTRING);
  if (integer(top[0]) && isUniversal(top[1], Type.SEQUENCE) && octets(top[2])) return true;
  if (top.length === 2 && isUniversal(top[0], Type.SEQUENCE) && octets(top[1])) return true;
  if (top.length >= 9 && top.every(integer)) return true;
  return integer(top[0]) && octets(top[1]);
}

/** BER's indefinite length (0x80), which Windows' PKCS#7 and some PKCS#12 writers use. */
function isIndefinite(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[1] === 0x80;
}
