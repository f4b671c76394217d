import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { makeSignedCert, openssl, type KeySpec, type ServerCert, type TestCa } from './pki.js';

/** A certificate and key pair made by openssl (independently of trustpatch), in the CA's directory. */
export type Pair = ServerCert;

/** A TLS server certificate for the given IP addresses (and localhost), signed by `ca`. */
export async function makeServerCertFor(ca: TestCa, name: string, ips: readonly string[]): Promise<Pair> {
  const san = ['DNS:localhost', ...ips.map((ip) => `IP:${ip}`)].join(',');
  return signed(ca, name, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`, 'ec-p256');
}

/** A TLS client certificate (extendedKeyUsage clientAuth) signed by `ca`, as `openssl x509 -req` makes it. */
export async function makeClientCertOpenssl(ca: TestCa, name: string, key: KeySpec = 'rsa-2048'): Promise<Pair> {
  return signed(
    ca,
    name,
    'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    key,
  );
}

async function signed(ca: TestCa, name: string, extensions: string, key: KeySpec): Promise<Pair> {
  const at = (suffix: string) => join(ca.dir, `${name}.${suffix}`);
  return makeSignedCert(ca, { keyPath: at('key'), certPath: at('pem'), subject: `/CN=${name}`, extensions, key });
}

/** The public key of a certificate or of a private key, as openssl prints it (PEM SPKI). */
export async function opensslPublicKey(path: string, kind: 'cert' | 'key'): Promise<string> {
  return kind === 'cert'
    ? openssl(['x509', '-in', path, '-noout', '-pubkey'])
    : openssl(['pkey', '-in', path, '-pubout']);
}

/**
 * A self-signed RSA CA valid only in 2000, made with node-forge: openssl 3.0's `req -days`
 * refuses negative values, so an already expired certificate needs explicit dates.
 */
export async function makeExpiredCaPem(path: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2000-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2000-12-31T00:00:00Z');
  const name = [{ name: 'commonName', value: 'Expired CA' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }]);
  cert.sign(key, forge.md.sha256.create());
  await writeFile(path, forge.pki.certificateToPem(cert));
}
