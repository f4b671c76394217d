import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { aiaLine, makeSignedCert, openssl, type TestCa } from './pki.js';

/**
 * Certificate inputs in every form users receive them, made at test time from openssl-made
 * CAs (no opaque binary fixtures): each function writes a file into `dir` and returns its path.
 */

export async function derFile(ca: TestCa, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await openssl(['x509', '-in', ca.certPath, '-outform', 'DER', '-out', path]);
  return path;
}

/** A PKCS#7 bundle as `openssl crl2pkcs7` (and Windows' export) writes it. */
export async function pkcs7File(
  cas: TestCa[],
  dir: string,
  name: string,
  form: 'DER' | 'PEM' = 'DER',
): Promise<string> {
  const path = join(dir, name);
  await openssl([
    'crl2pkcs7',
    '-nocrl',
    ...cas.flatMap((ca) => ['-certfile', ca.certPath]),
    '-outform',
    form,
    '-out',
    path,
  ]);
  return path;
}

/**
 * A PKCS#12 file holding `ca`'s certificate and key (as a vendor hands them out), plus `extra`
 * certificates. `legacy` uses 3DES and a SHA-1 MAC (older Windows exports) instead of
 * OpenSSL 3's AES-256 and SHA-256.
 */
export async function pkcs12File(
  ca: TestCa,
  dir: string,
  name: string,
  options: { password?: string; legacy?: boolean; extra?: TestCa[]; noKey?: boolean } = {},
): Promise<string> {
  const path = join(dir, name);
  const args = ['pkcs12', '-export', '-in', ca.certPath, '-out', path, '-passout', `pass:${options.password ?? ''}`];
  args.push(...(options.noKey ? ['-nokeys'] : ['-inkey', ca.keyPath]));
  for (const extra of options.extra ?? []) args.push('-certfile', extra.certPath);
  if (options.legacy) args.push('-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  await openssl(args);
  return path;
}

/** Writes `content` to `dir/name` and returns the path. */
export async function textFile(dir: string, name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/**
 * A self-signed RSA certificate with any validity window, made with node-forge (openssl 3.0's
 * `req -x509` takes no start date and no negative `-days`).
 */
export function forgeCertificate(options: {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
}): string {
  const key = forgeKey();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.rsa.setPublicKey(key.n, key.e);
  certificate.serialNumber = '01';
  certificate.validity.notBefore = options.notBefore;
  certificate.validity.notAfter = options.notAfter;
  const name = [{ name: 'commonName', value: options.commonName }];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([{ name: 'basicConstraints', cA: options.ca ?? true, critical: true }]);
  certificate.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

let sharedKey: forge.pki.rsa.PrivateKey | undefined;

/** One RSA key for all forge-made test certificates: they differ by name and dates, and keys cost time. */
function forgeKey(): forge.pki.rsa.PrivateKey {
  if (sharedKey === undefined) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sharedKey = forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey;
  }
  return sharedKey;
}

export const DAY_MS = 86_400_000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS);

/** An intermediate CA signed by `root`, in `root`'s directory (its key stays there). */
export async function makeIntermediate(
  root: TestCa,
  name: string,
  options: { caIssuers?: string } = {},
): Promise<TestCa> {
  const slug = name.replace(/[^A-Za-z0-9]+/g, '-');
  const made = await makeSignedCert(root, {
    keyPath: join(root.dir, `${slug}.key`),
    certPath: join(root.dir, `${slug}.crt`),
    subject: `/CN=${name}/O=trustpatch tests`,
    extensions: `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n${aiaLine(options.caIssuers)}`,
    days: 365,
  });
  return { dir: root.dir, certPath: made.certPath, keyPath: made.keyPath, pem: made.cert };
}
