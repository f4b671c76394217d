import { X509Certificate } from 'node:crypto';
import { pemEncode, sha256Hex } from './pem.js';

/**
 * A certificate as trustpatch handles it. node:crypto's X509Certificate reads RSA, EC and
 * Ed25519 alike (node-forge's certificate API reads RSA only: https://github.com/digitalbazaar/forge/issues/701).
 */
export interface Certificate {
  der: Buffer;
  pem: string;
  /** SHA-256 of the DER, lowercase hex, no colons. */
  fingerprint: string;
  subject: string;
  issuer: string;
  commonName: string | undefined;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** Names itself as issuer (and its key identifiers agree): it should verify with its own key. */
  selfIssued: boolean;
  selfSigned: boolean;
  keyType: string;
  keySize: number | undefined;
  x509: X509Certificate;
}

/** Parses DER bytes; throws when they are not a certificate. */
export function certificateFromDer(der: Buffer): Certificate {
  const x509 = new X509Certificate(der);
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const selfIssued = x509.subject === x509.issuer && x509.checkIssued(x509);
  return {
    der,
    pem: pemEncode('CERTIFICATE', der),
    fingerprint: sha256Hex(der),
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    commonName: attribute(x509.subject, 'CN'),
    serialNumber: x509.serialNumber,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    isCA: x509.ca,
    selfIssued,
    selfSigned: selfIssued && x509.verify(key),
    keyType: describeKeyType(key.asymmetricKeyType, details.namedCurve),
    keySize: details.modulusLength ?? curveBits(key.asymmetricKeyType, details.namedCurve),
    x509,
  };
}

/** `01:ab:..` style fingerprint for display. */
export function colonFingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(':');
}

function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').filter(Boolean).join(', ');
}

function attribute(distinguishedName: string, name: string): string | undefined {
  const line = distinguishedName.split('\n').find((entry) => entry.startsWith(`${name}=`));
  return line?.slice(name.length + 1);
}

/** OpenSSL's curve names, as NIST names them (what users see in their vendor's documents). */
const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

function describeKeyType(type: string | undefined, curve: string | undefined): string {
  if (type === 'ec') return `EC ${curve === undefined ? '' : (CURVES[curve]?.name ?? curve)}`.trim();
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ed448') return 'Ed448';
  if (type === 'rsa-pss') return 'RSA-PSS';
  return (type ?? 'unknown').toUpperCase();
}

function curveBits(type: string | undefined, curve: string | undefined): number | undefined {
  if (type === 'ed25519') return 256;
  if (type === 'ed448') return 456;
  return curve === undefined ? undefined : CURVES[curve]?.bits;
}
