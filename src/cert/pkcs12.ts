import forge from 'node-forge';
import { toDerBuffer } from './der.js';
import { checkPkcs12Iterations } from './pkcs12-limits.js';

/** The certificates of a PKCS#12 file, and how many private keys it held (they are dropped). */
export interface Pkcs12Contents {
  certificates: Buffer[];
  keyCount: number;
}

/** The password was wrong, or one was needed and none was given. */
export class Pkcs12PasswordError extends Error {}

const CERT_BAG = forge.pki.oids.certBag!;
const KEY_BAGS = new Set([forge.pki.oids.keyBag, forge.pki.oids.pkcs8ShroudedKeyBag]);

/**
 * Opens a PKCS#12 file with `password` (an absent password is tried as the empty one, which is
 * what Windows and `openssl pkcs12 -passout pass:` write). Only certificate bags are kept.
 */
export function readPkcs12(der: Buffer, password: string | undefined): Pkcs12Contents {
  checkPkcs12Iterations(der);
  const candidates = passwordCandidates(password ?? '');
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return openWith(der, candidate);
    } catch (error) {
      lastError = error;
    }
  }
  if (isPasswordFailure(lastError))
    throw new Pkcs12PasswordError(
      password === undefined || password === ''
        ? 'the file needs a password and none was given'
        : 'the password is wrong',
    );
  throw lastError;
}

function openWith(der: Buffer, password: string | null): Pkcs12Contents {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), false);
  // forge's type says string, but null means "no password at all", distinct from "" in PKCS#12.
  const pfx = withoutKeyDecryption(() => forge.pkcs12.pkcs12FromAsn1(asn1, false, password as string));
  const certificates: Buffer[] = [];
  let keyCount = 0;
  for (const contents of pfx.safeContents) {
    for (const bag of contents.safeBags) {
      if (bag.type === CERT_BAG) {
        // forge keeps RSA certificates as objects and others as raw ASN.1; both re-encode to the same DER.
        const node = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
        if (node !== undefined) certificates.push(toDerBuffer(node));
      } else if (KEY_BAGS.has(bag.type)) {
        keyCount += 1;
      }
    }
  }
  return { certificates, keyCount };
}

/**
 * Runs forge's PKCS#12 reader with its private-key decryption turned into a no-op: keys are
 * only counted and dropped, so decrypting them buys nothing, and their key-derivation
 * parameters may sit inside encrypted content, out of checkPkcs12Iterations' reach. forge
 * looks the function up on its shared `pki` object at call time; the reader is synchronous,
 * so nothing else runs while it is swapped.
 */
function withoutKeyDecryption<T>(read: () => T): T {
  const pki = forge.pki as unknown as { decryptPrivateKeyInfo: (obj: unknown, password: string) => unknown };
  const original = pki.decryptPrivateKeyInfo;
  pki.decryptPrivateKeyInfo = (obj) => obj;
  try {
    return read();
  } finally {
    pki.decryptPrivateKeyInfo = original;
  }
}

/**
 * The MAC uses the password as a BMPString, while PBES2 (OpenSSL 3's default) uses its UTF-8
 * bytes, and forge takes one string for both: ASCII passwords work either way.
 */
function passwordCandidates(password: string): (string | null)[] {
  if (password === '') return ['', null];
  const utf8 = forge.util.encodeUtf8(password);
  return utf8 === password ? [password] : [password, utf8];
}

function isPasswordFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  // forge's words for a failed MAC check or an undecryptable key bag.
  return /Invalid password|wrong password/i.test(message);
}
