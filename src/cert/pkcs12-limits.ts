import { children, oidOf, parseAsn1, type Asn1 } from './der.js';

/**
 * The most key-derivation iterations a PKCS#12 file may ask for. OpenSSL writes 2048, Java's
 * keytool 10000, Windows 2000; 600000 is OWASP's figure for PBKDF2-HMAC-SHA256, the most any
 * sane tool picks. node-forge derives keys in JavaScript (about 0.5 s per 100000 PBKDF2
 * rounds here): a file asking for 10^9 would hold trustpatch for hours.
 */
export const MAX_KDF_ITERATIONS = 600_000;

export class Pkcs12LimitError extends Error {}

const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const PBES2 = '1.2.840.113549.1.5.13';

/**
 * Reads the iteration counts a PKCS#12 file asks for before anything is derived: the MAC's
 * (PFX.macData.iterations, RFC 7292 section 4) and each encrypted content's (PKCS#12 PBE or
 * PBES1 parameters, or PBES2's PBKDF2 parameters, RFC 8018 appendix A.2). Key bags are never
 * decrypted (src/cert/pkcs12.ts), so their counts never cost anything. Throws
 * Pkcs12LimitError above MAX_KDF_ITERATIONS; structure it cannot follow is left to the reader.
 */
export function checkPkcs12Iterations(der: Buffer): void {
  const pfx = children(parseAsn1(der));
  const macData = children(pfx[2]);
  check(macData[2], 'its MAC');
  const authSafe = children(children(pfx[1])[1])[0];
  for (const contentInfo of children(parseOctets(authSafe))) {
    const [type, content] = children(contentInfo);
    if (oidOf(type) !== ENCRYPTED_DATA) continue;
    const encryptedContentInfo = children(children(content)[0])[1];
    const [, algorithm] = children(encryptedContentInfo);
    const [oid, params] = children(algorithm);
    const fields = children(params);
    if (oidOf(oid) === PBES2) check(children(children(fields[0])[1])[1], 'its encrypted certificates (PBKDF2)');
    else check(fields[1], 'its encrypted certificates');
  }
}

function check(node: Asn1 | undefined, what: string): void {
  const count = integerOf(node);
  if (count !== undefined && count > MAX_KDF_ITERATIONS) {
    throw new Pkcs12LimitError(
      `${what} asks for ${count > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : count} key-derivation iterations (the limit is ${MAX_KDF_ITERATIONS})`,
    );
  }
}

/** A non-negative INTEGER's value (Infinity when it does not fit), or undefined for anything else. */
function integerOf(node: Asn1 | undefined): number | undefined {
  if (node === undefined || node.tagClass !== 0 || node.type !== 2 || typeof node.value !== 'string') return undefined;
  const bytes = node.value.replace(/^\0+/, '');
  if (bytes.length > 7) return Infinity;
  let value = 0;
  for (const char of bytes) value = value * 256 + char.charCodeAt(0);
  return value;
}

/** The DER inside an OCTET STRING (BER may split it into chunks), parsed; undefined if it is not. */
function parseOctets(node: Asn1 | undefined): Asn1 | undefined {
  if (node === undefined) return undefined;
  const bytes =
    typeof node.value === 'string'
      ? node.value
      : children(node)
          .map((chunk) => (typeof chunk.value === 'string' ? chunk.value : ''))
          .join('');
  try {
    return parseAsn1(Buffer.from(bytes, 'binary'));
  } catch {
    return undefined;
  }
}
