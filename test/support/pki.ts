import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway certificate authority made with openssl, in its own temporary directory. */
export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  pem: string;
}

export interface ServerCert {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export type KeySpec = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'ed25519';

export async function openssl(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('openssl', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** openssl's output as bytes (DER, PKCS#7): a text decode would lose them. */
export async function opensslBytes(args: string[]): Promise<Buffer> {
  const { stdout } = await run('openssl', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function makeKey(path: string, spec: KeySpec = 'ec-p256'): Promise<void> {
  const algorithm: Record<KeySpec, string[]> = {
    'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
    ed25519: ['-algorithm', 'ED25519'],
  };
  await openssl(['genpkey', ...algorithm[spec], '-out', path]);
}

/** A self-signed CA: basicConstraints CA:TRUE, valid `days` from now (default a year: a CA that ends within 30 days draws a warning; for expired ones see cert-fixtures.ts). */
export async function makeCa(
  name = 'trustpatch test CA',
  options: { key?: KeySpec; days?: number; dir?: string } = {},
): Promise<TestCa> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'trustpatch-ca-')));
  const slug = name.replace(/[^A-Za-z0-9]+/g, '-');
  const keyPath = join(dir, `${slug}.key`);
  const certPath = join(dir, `${slug}.crt`);
  await makeKey(keyPath, options.key);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-out',
    certPath,
    '-days',
    String(options.days ?? 365),
    '-subj',
    `/CN=${name}/O=trustpatch tests`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { dir, certPath, keyPath, pem: await readFile(certPath, 'utf8') };
}

/** A server certificate signed by `ca`, for localhost / 127.0.0.1 / ::1 unless `subjectAltName` names others; `caIssuers` adds an AIA caIssuers URL. */
export async function makeServerCert(
  ca: TestCa,
  name = 'localhost',
  options: { subjectAltName?: string; caIssuers?: string } = {},
): Promise<ServerCert> {
  const at = (suffix: string) => join(ca.dir, `${name}-server.${suffix}`);
  return makeSignedCert(ca, {
    keyPath: at('key'),
    certPath: at('crt'),
    subject: `/CN=${name}`,
    extensions: `subjectAltName=${options.subjectAltName ?? 'DNS:localhost,IP:127.0.0.1,IP:::1'}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n${aiaLine(options.caIssuers)}`,
  });
}

/**
 * A key (`key`, default EC P-256) and a certificate for `subject` signed by `ca` with
 * `extensions` (openssl x509 -req -extfile), valid `days` (default 30); the CSR and the
 * extension file are written next to the certificate.
 */
export async function makeSignedCert(
  ca: TestCa,
  spec: { keyPath: string; certPath: string; subject: string; extensions: string; key?: KeySpec; days?: number },
): Promise<ServerCert> {
  const { keyPath, certPath } = spec;
  const base = certPath.replace(/\.[^./]+$/, '');
  const csrPath = `${base}.csr`;
  const extPath = `${base}.ext`;
  await makeKey(keyPath, spec.key);
  await openssl(['req', '-new', '-key', keyPath, '-out', csrPath, '-subj', spec.subject]);
  await writeFile(extPath, spec.extensions);
  await openssl([
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-CAcreateserial',
    '-out',
    certPath,
    '-days',
    String(spec.days ?? 30),
    '-extfile',
    extPath,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}

/** An openssl extension line naming a caIssuers URL (RFC 5280 4.2.2.1), or nothing. */
export function aiaLine(caIssuers: string | undefined): string {
  return caIssuers === undefined ? '' : `authorityInfoAccess=caIssuers;URI:${caIssuers}\n`;
}

/** SHA-256 fingerprint as lowercase hex, as openssl computes it (an independent check of ours). */
export async function opensslFingerprint(certPath: string): Promise<string> {
  const out = await openssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']);
  return out.trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
}

export async function removeCa(ca: TestCa): Promise<void> {
  await rm(ca.dir, { recursive: true, force: true });
}

/** The two CAs most unit tests need, made before a describe block's tests and removed after them. */
export interface DistroAndCorp {
  /** Stands for a CA the distribution ships. */
  distro: TestCa;
  /** The CA being installed. */
  corp: TestCa;
}

/** Call inside a `describe`: the returned object holds both CAs once its tests run. */
export function distroAndCorpCas(): DistroAndCorp {
  const cas = {} as DistroAndCorp;
  before(async () => Object.assign(cas, { distro: await makeCa('Distro Root'), corp: await makeCa('Corp Root') }));
  after(async () => Promise.all([cas.distro, cas.corp].map(removeCa)));
  return cas;
}
