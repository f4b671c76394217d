import { createPrivateKey, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { pemBlocks } from '../cert/pem.js';

/**
 * Private keys as the engine reads them: Go's tls.X509KeyPair takes the first PEM block
 * whose label ends in PRIVATE KEY (PKCS#1, SEC1 or PKCS#8), unencrypted. The key bytes are
 * never printed; messages only name the file.
 */
export type KeyReading =
  | { ok: true; key: KeyObject; pem: string }
  | { ok: false; problem: 'not-pem' | 'encrypted' | 'unreadable'; detail: string };

export function readPrivateKeyPem(bytes: Buffer, options: { passphrase?: string } = {}): KeyReading {
  const text = bytes.toString('latin1');
  const block = pemBlocks(text).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (block === undefined) {
    return { ok: false, problem: 'not-pem', detail: looksLikeDer(bytes) ? 'DER, not PEM' : 'no PEM PRIVATE KEY block' };
  }
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && options.passphrase === undefined)
    return { ok: false, problem: 'encrypted', detail: 'the key is encrypted' };
  try {
    const key = createPrivateKey({ key: text, format: 'pem', passphrase: options.passphrase });
    // What the engine needs on disk is an unencrypted PEM key: re-export only when it was encrypted.
    const pem = encrypted ? (key.export({ type: 'pkcs8', format: 'pem' }) as string) : pemText(text, block.label);
    return { ok: true, key, pem };
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: (error as Error).message.split('\n')[0] ?? 'unreadable' };
  }
}

/** SubjectPublicKeyInfo DER of a certificate's or a private key's public key. */
export function spki(source: X509Certificate | KeyObject): Buffer {
  const publicKey = 'publicKey' in source ? source.publicKey : createPublicKey(source);
  return publicKey.export({ type: 'spki', format: 'der' });
}

/** The engine's own test: the certificate's public key is the key's public half. */
export function keyMatches(certificate: X509Certificate, key: KeyObject): boolean {
  return spki(certificate).equals(spki(key));
}

/** The first PEM block with the given label, exactly as it appears in the file. */
function pemText(text: string, label: string): string {
  const start = text.indexOf(`-----BEGIN ${label}-----`);
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, start);
  return `${text.slice(start, end + endMarker.length)}\n`;
}

function looksLikeDer(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x30;
}
