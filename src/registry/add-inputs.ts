import { readFile, stat } from 'node:fs/promises';
import { loadCertificates } from '../cert/load.js';
import type { Certificate } from '../cert/certificate.js';
import { UserError } from '../errors.js';
import { checkBaseName } from './certs-d.js';
import { keyMatches, readPrivateKeyPem } from './key-pair.js';
import type { ClientPair } from './plan.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MAX_KEY_BYTES = 1024 * 1024;

/** The CA file in any format loadCertificates reads, with warnings about what will not work. */
export async function readCa(path: string, now: Date): Promise<{ certificates: Certificate[]; warnings: string[] }> {
  const loaded = await loadCertificates(path);
  const warnings = [...loaded.warnings];
  for (const cert of loaded.certificates) {
    const name = cert.commonName ?? cert.subject;
    if (!cert.isCA)
      warnings.push(
        `${path}: ${name} is not a CA certificate; trusting a server certificate directly stops working when it is renewed.`,
      );
    if (cert.notAfter.getTime() < now.getTime())
      warnings.push(`${path}: ${name} expired on ${cert.notAfter.toISOString()}.`);
  }
  return { certificates: loaded.certificates, warnings };
}

/**
 * The client certificate and its key, checked the way the engine will check them: an
 * unencrypted PEM key whose public half is the certificate's public key. Any mismatch is a
 * user error, so nothing gets written.
 */
export async function readClientPair(
  certPath: string,
  keyPath: string,
  name: string,
  now: Date,
): Promise<{ pair: ClientPair; warnings: string[] }> {
  checkBaseName('--client-name', name);
  const loaded = await loadCertificates(certPath);
  const leaf = loaded.certificates[0]!;
  const reading = readPrivateKeyPem(await readKeyFile(keyPath));
  if (!reading.ok) {
    const next =
      reading.problem === 'encrypted'
        ? `the engine cannot read encrypted keys; decrypt it first (openssl pkey -in ${keyPath} -out PLAIN.key)`
        : 'give the PEM private key of the client certificate';
    throw new UserError(`${keyPath}: not a usable private key (${reading.detail}); ${next}.`);
  }
  if (!keyMatches(leaf.x509, reading.key)) {
    throw new UserError(
      `${keyPath} does not match ${certPath} (different public keys); give the key this certificate was issued for. Nothing was written.`,
    );
  }
  const warnings = [...loaded.warnings];
  const subject = leaf.commonName ?? leaf.subject;
  const usages = leaf.x509.keyUsage;
  if (usages !== undefined && usages.length > 0 && !usages.includes(CLIENT_AUTH))
    warnings.push(
      `${certPath}: ${subject} is not for client authentication (extendedKeyUsage lacks clientAuth); a registry will refuse it.`,
    );
  if (leaf.isCA) warnings.push(`${certPath}: ${subject} is a CA certificate, not a client certificate.`);
  if (leaf.notAfter.getTime() < now.getTime())
    warnings.push(`${certPath}: ${subject} expired on ${leaf.notAfter.toISOString()}.`);
  return { pair: { name, certificates: loaded.certificates, keyPem: reading.pem }, warnings };
}

/** Reads a private key file; refuses directories and oversized files before reading them. */
export async function readKeyFile(path: string): Promise<Buffer> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      `${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}; give the path of a PEM private key.`,
    );
  });
  if (!info.isFile()) throw new UserError(`${path}: not a regular file; give the path of a PEM private key.`);
  if (info.size > MAX_KEY_BYTES) throw new UserError(`${path}: ${info.size} bytes is too large for a private key.`);
  return readFile(path);
}
