import { createHash, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { UserError } from '../errors.js';

const { asn1 } = forge;

/**
 * Signing a certificate whatever the CA's key type. node-forge builds the certificate
 * structure, but its own signing and CA parsing only handle RSA ("Cannot read public key.
 * OID is not RSA.", https://github.com/digitalbazaar/forge/issues/701), and EC CAs are common. So forge makes the TBSCertificate,
 * node:crypto signs it, and the few ASN.1 nodes that depend on the CA are set here.
 */
interface SignatureAlgorithm {
  oid: string;
  /** Digest for node:crypto sign(); null for EdDSA, which hashes internally. */
  digest: string | null;
  /** RFC 4055: RSA algorithms carry a NULL parameter; RFC 5758 / 8410: ECDSA and EdDSA none. */
  nullParameter: boolean;
}

export function signatureAlgorithmFor(caKey: KeyObject, source: string): SignatureAlgorithm {
  const type = caKey.asymmetricKeyType;
  if (type === 'rsa') return { oid: '1.2.840.113549.1.1.11', digest: 'sha256', nullParameter: true };
  if (type === 'ec') {
    const curve = caKey.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { oid: '1.2.840.10045.4.3.2', digest: 'sha256', nullParameter: false };
    if (curve === 'secp384r1') return { oid: '1.2.840.10045.4.3.3', digest: 'sha384', nullParameter: false };
    if (curve === 'secp521r1') return { oid: '1.2.840.10045.4.3.4', digest: 'sha512', nullParameter: false };
  }
  if (type === 'ed25519') return { oid: '1.3.101.112', digest: null, nullParameter: false };
  if (type === 'ed448') return { oid: '1.3.101.113', digest: null, nullParameter: false };
  const what = type === 'ec' ? `EC ${caKey.asymmetricKeyDetails?.namedCurve ?? ''}`.trim() : (type ?? 'unknown');
  throw new UserError(
    `${source}: a ${what} CA key cannot sign here; use an RSA, EC P-256/P-384/P-521 or Ed25519 CA key.`,
  );
}

/** Signs `tbs` (forge's TBSCertificate) with the CA key and returns the certificate's DER. */
export function signCertificate(
  tbs: forge.asn1.Asn1,
  caCertDer: Buffer,
  caKey: KeyObject,
  algorithm: SignatureAlgorithm,
): Buffer {
  const algorithmId = algorithmIdentifier(algorithm);
  const caTbs = tbsOf(caCertDer);
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, ...
  const fields = children(tbs);
  fields[2] = algorithmId;
  fields[3] = children(caTbs)[subjectIndex(caTbs)]!;
  const tbsDer = toBuffer(asn1.toDer(tbs).getBytes());
  const signature = sign(algorithm.digest, tbsDer, caKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(algorithm),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\0${signature.toString('binary')}`),
  ]);
  return toBuffer(asn1.toDer(certificate).getBytes());
}

/**
 * The CA's key identifier for authorityKeyIdentifier: its subjectKeyIdentifier extension
 * when it has one, else RFC 5280 4.2.1.2 method 1 (SHA-1 of the public key bits).
 */
export function caKeyIdentifier(caCertDer: Buffer): Buffer {
  const caTbs = tbsOf(caCertDer);
  const extensions = children(caTbs).find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 3);
  for (const extension of extensions === undefined ? [] : children(children(extensions)[0]!)) {
    const [oid, ...rest] = children(extension);
    if (asn1.derToOid(oid!.value as string) !== '2.5.29.14') continue;
    const octets = rest[rest.length - 1]!;
    return toBuffer(asn1.fromDer(octets.value as string).value as string);
  }
  const spkiNode = children(caTbs)[subjectIndex(caTbs) + 1]!;
  const bits = children(spkiNode)[1]!.value as string;
  return createHash('sha1').update(toBuffer(bits).subarray(1)).digest();
}

function algorithmIdentifier(algorithm: SignatureAlgorithm): forge.asn1.Asn1 {
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(algorithm.oid).getBytes())];
  if (algorithm.nullParameter) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

function tbsOf(certificateDer: Buffer): forge.asn1.Asn1 {
  // decodeBitStrings: false keeps the public key bits as bytes (forge's typings only know `strict`).
  const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;
  return children(fromDer(certificateDer.toString('binary'), { decodeBitStrings: false }))[0]!;
}

/** The subject follows issuer and validity; the version field [0] is optional (v1 certificates). */
function subjectIndex(tbs: forge.asn1.Asn1): number {
  const first = children(tbs)[0]!;
  return first.tagClass === asn1.Class.CONTEXT_SPECIFIC && first.type === 0 ? 5 : 4;
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  if (!Array.isArray(node.value)) throw new Error('unexpected primitive ASN.1 node in a certificate');
  return node.value;
}

function toBuffer(binary: string): Buffer {
  return Buffer.from(binary, 'binary');
}
