import { children, parseAsn1, toDerBuffer } from './der.js';

/**
 * The certificates of a PKCS#7 / CMS SignedData (`.p7b`, `.p7c`: how Windows exports a chain).
 * Walked at node-forge's ASN.1 layer, because its PKCS#7 layer turns every certificate into a
 * forge certificate, which fails for EC and Ed25519 keys (https://github.com/digitalbazaar/forge/issues/701).
 *
 *   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
 *   SignedData  ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
 *                              certificates [0] IMPLICIT SET OF Certificate OPTIONAL, ... }
 * (RFC 5652, section 5.1)
 */
export function certificatesFromPkcs7(der: Buffer): Buffer[] {
  const contentInfo = children(parseAsn1(der));
  const signedData = children(children(contentInfo[1])[0]);
  const certificateSet = signedData.find((node) => node.tagClass === 0x80 && node.type === 0);
  return children(certificateSet).map(toDerBuffer);
}
