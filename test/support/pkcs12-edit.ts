import forge from 'node-forge';

/**
 * Hand-edited PKCS#12 files for the bomb tests: the iteration counts a reader must not obey
 * blindly. Made by editing real files at the ASN.1 level (RFC 7292), since no tool writes a
 * file with 10^9 iterations without spending the hours that count costs.
 */

type Node = forge.asn1.Asn1;

const kids = (node: Node): Node[] => node.value as Node[];
const parse = (bytes: string): Node => forge.asn1.fromDer(forge.util.createBuffer(bytes), false);
const encode = (node: Node): string => forge.asn1.toDer(node).getBytes();

/** A big-endian INTEGER of any size up to 2^53. */
function integer(count: number): Node {
  let hex = count.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.util.hexToBytes(hex));
}

function toBuffer(node: Node): Buffer {
  return Buffer.from(encode(node), 'binary');
}

/** Sets PFX.macData.iterations (the MAC then no longer matters: the count is read first). */
export function withMacIterations(der: Buffer, count: number): Buffer {
  const pfx = parse(der.toString('binary'));
  kids(kids(pfx)[2]!)[2] = integer(count);
  return toBuffer(pfx);
}

/** Edits every ContentInfo of the authenticated safe, then puts it back. */
function editAuthSafe(der: Buffer, edit: (contentInfo: Node) => void): Buffer {
  const pfx = parse(der.toString('binary'));
  const octets = kids(kids(kids(pfx)[1]!)[1]!)[0]!;
  const authSafe = parse(octets.value as string);
  kids(authSafe).forEach(edit);
  octets.value = encode(authSafe);
  return toBuffer(pfx);
}

/** Sets the iteration count of the encrypted certificate content (PBES2 or PKCS#12 PBE). */
export function withCertIterations(der: Buffer, count: number): Buffer {
  return editAuthSafe(der, (contentInfo) => {
    if (forge.asn1.derToOid(kids(contentInfo)[0]!.value as string) !== forge.pki.oids.encryptedData) return;
    const algorithm = kids(kids(kids(kids(contentInfo)[1]!)[0]!)[1]!)[1]!;
    const params = kids(algorithm)[1]!;
    const pbes2 = forge.asn1.derToOid(kids(algorithm)[0]!.value as string) === '1.2.840.113549.1.5.13';
    if (pbes2) kids(kids(kids(params)[0]!)[1]!)[1] = integer(count);
    else kids(params)[1] = integer(count);
  });
}

/** A PKCS#12 without a MAC, its certificate in the clear and its key shrouded with `count` iterations. */
export function pkcs12WithKeyIterations(certificatePem: string, keyPem: string, count: number): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [forge.pki.certificateFromPem(certificatePem)], 'secret', {
    algorithm: '3des',
    useMac: false,
    count: 2048,
  });
  return editAuthSafe(toBuffer(asn1), (contentInfo) => {
    const content = kids(kids(contentInfo)[1]!)[0]!;
    if (typeof content.value !== 'string') return;
    const safeContents = parse(content.value);
    for (const bag of kids(safeContents)) {
      if (forge.asn1.derToOid(kids(bag)[0]!.value as string) !== forge.pki.oids.pkcs8ShroudedKeyBag) continue;
      const encryptedKeyInfo = kids(kids(bag)[1]!)[0]!;
      const params = kids(kids(encryptedKeyInfo)[0]!)[1]!;
      kids(params)[1] = integer(count);
    }
    content.value = encode(safeContents);
  });
}
