import forge from 'node-forge';

/** Parsed ASN.1 as node-forge represents it. */
export type Asn1 = forge.asn1.Asn1;

/**
 * The byte length of the first DER element in `bytes` (header plus content), or undefined when
 * the header is incomplete, uses BER's indefinite length, or claims more bytes than there are.
 * Needed because a `TRUSTED CERTIFICATE` block is a certificate followed by OpenSSL's trust
 * settings, and a certificate's fingerprint covers the certificate alone.
 */
export function firstElementLength(bytes: Buffer): number | undefined {
  if (bytes.length < 2) return undefined;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first <= bytes.length ? 2 + first : undefined;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
  const total = 2 + count + length;
  return total <= bytes.length ? total : undefined;
}

/** node-forge's ASN.1 parser over a Buffer; lenient about trailing bytes (the caller checks). */
export function parseAsn1(bytes: Buffer): Asn1 {
  // @types/node-forge declares only the boolean form of the options; forge also takes an object.
  const fromDer = forge.asn1.fromDer as unknown as (input: forge.util.ByteStringBuffer, options: object) => Asn1;
  // decodeBitStrings off: BIT STRINGs stay opaque, so re-encoding a certificate gives its exact bytes.
  return fromDer(forge.util.createBuffer(bytes.toString('binary')), {
    strict: false,
    parseAllBytes: false,
    decodeBitStrings: false,
  });
}

/** DER bytes of a parsed element, as a Buffer. */
export function toDerBuffer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

/** The children of a constructed element, or an empty list. */
export function children(node: Asn1 | undefined): Asn1[] {
  return node !== undefined && Array.isArray(node.value) ? node.value : [];
}

export function isUniversal(node: Asn1 | undefined, type: number): boolean {
  return node !== undefined && node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === type;
}

/** The dotted OID of an OBJECT IDENTIFIER element, or undefined for anything else. */
export function oidOf(node: Asn1 | undefined): string | undefined {
  if (!isUniversal(node, forge.asn1.Type.OID) || typeof node!.value !== 'string') return undefined;
  try {
    return forge.asn1.derToOid(node!.value);
  } catch {
    // forge throws for an arc beyond 2^53 ("OID value too large"): no OID trustpatch knows. Found by test/unit/cert-fuzz.
    return undefined;
  }
}

export const Type = forge.asn1.Type;
