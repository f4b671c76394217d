import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificates, MAX_INPUT_BYTES, readInput } from '../../src/cert/load.js';
import { pemEncode } from '../../src/cert/pem.js';
import { MAX_CERTIFICATES, readCertificates } from '../../src/cert/read.js';
import { UserError } from '../../src/errors.js';
import { pkcs12File } from '../support/cert-fixtures.js';
import { pkcs12WithKeyIterations, withCertIterations, withMacIterations } from '../support/pkcs12-edit.js';
import { makeCa, makeServerCert, openssl, removeCa, type TestCa } from '../support/pki.js';

const MB = 1024 * 1024;

/** Reads and expects a UserError; a hang fails through mocha's timeout, never a timing assertion. */
function refused(bytes: Buffer, pattern: RegExp): void {
  assert.throws(
    () => readCertificates(bytes, 'input'),
    (error: unknown) => error instanceof UserError && pattern.test(error.message),
  );
}

/** `count` distinct certificates: one leaf's DER with its serial number rewritten (issuer != subject, so no self-signature to break). */
function manyCertificates(leafDer: Buffer, count: number): string {
  const serialAt = leafDer.indexOf(Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02, 0x02])) + 6;
  const length = leafDer[serialAt]!;
  return Array.from({ length: count }, (_, i) => {
    const der = Buffer.from(leafDer);
    der.writeUInt16BE(i, serialAt + length - 1);
    return pemEncode('CERTIFICATE', der);
  }).join('');
}

describe('huge and hostile certificate inputs: bounded memory, a clear error', function () {
  this.timeout(30_000);
  let dir: string;
  let ca: TestCa;
  let leafDer: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-huge-'));
    ca = await makeCa('Huge Inputs CA', { key: 'rsa-2048' });
    const leaf = await makeServerCert(ca);
    leafDer = await readFile(await derOf(leaf.certPath));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await removeCa(ca);
  });

  async function derOf(pemPath: string): Promise<string> {
    const path = join(dir, 'leaf.der');
    await openssl(['x509', '-in', pemPath, '-outform', 'DER', '-out', path]);
    return path;
  }

  it('a 50 MB file is refused by its size, before it is read', async () => {
    const path = join(dir, 'huge.pem');
    await writeFile(path, '');
    await truncate(path, 50 * MB);
    const rss = process.memoryUsage().rss;
    await assert.rejects(
      loadCertificates(path),
      /huge\.pem: 52428800 bytes is too large for a certificate file \(limit 10485760\); give the CA certificate alone\./,
    );
    assert.ok(process.memoryUsage().rss - rss < 40 * MB, 'the file was not read');
  });

  it('50 MB on standard input: reading stops just past the limit', async () => {
    let chunks = 0;
    async function* stream() {
      for (let i = 0; i < 50; i += 1) {
        chunks += 1;
        yield Buffer.alloc(MB, 0x41);
      }
    }
    await assert.rejects(readInput('-', stream()), /standard input: more than 10485760 bytes is too large/);
    assert.equal(chunks, Math.floor(MAX_INPUT_BYTES / MB) + 1);
  });

  it(`10,000 certificates: refused by count (at most ${MAX_CERTIFICATES}), before any is parsed`, () => {
    const bundle = Buffer.from(manyCertificates(leafDer, 10_000));
    assert.ok(bundle.length < MAX_INPUT_BYTES);
    refused(
      bundle,
      /^input: holds 10000 certificates, more than the 1000 trustpatch reads from one input; give the CA certificate alone/,
    );
    // Counted, not parsed: a block shaped like a certificate (SEQUENCE of two SEQUENCEs and a BIT
    // STRING) fails when parsed, yet 10,000 of them get the count's refusal, not the parse error.
    const shell = pemEncode('CERTIFICATE', Buffer.from([0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00]));
    refused(Buffer.from(shell.repeat(MAX_CERTIFICATES)), /^input: certificate 1 cannot be read/);
    refused(Buffer.from(shell.repeat(10_000)), /^input: holds 10000 certificates, more than the 1000/);
  });

  it(`exactly ${MAX_CERTIFICATES} certificates are still read`, () => {
    assert.equal(
      readCertificates(Buffer.from(manyCertificates(leafDer, MAX_CERTIFICATES)), 'input').certificates.length,
      MAX_CERTIFICATES,
    );
  });

  it('10 MB of BEGIN lines without END: the truncation is named at once (no quadratic scan)', () => {
    refused(
      Buffer.from('-----BEGIN CERTIFICATE-----\n'.repeat(370_000)),
      /a BEGIN CERTIFICATE line has no END line: the file is truncated or damaged/,
    );
  });

  it('truncated DER, binary garbage, deep nesting: corrupt, said so', () => {
    refused(
      leafDer.subarray(0, leafDer.length - 40),
      /ends before its declared length: the file is corrupt, truncated or not a certificate/,
    );
    refused(randomBytes(10 * MB), /the file is corrupt, truncated or not a certificate/);
    const nested = Buffer.concat(Array.from({ length: 100_000 }, () => Buffer.from([0x30, 0x80])));
    refused(nested, /cannot be parsed .*the file is corrupt, truncated or not a certificate/);
  });

  it('an OID with an arc beyond 2^53 (found by the fuzz test): unknown data, not an internal error', () => {
    const oid = Buffer.from([0x06, 0x0a, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    refused(
      Buffer.concat([Buffer.from([0x30, oid.length]), oid]),
      /^input: found DER data of an unknown kind and no certificate/,
    );
  });

  describe('PKCS#12 bombs: iteration counts checked before any key is derived', () => {
    it('a MAC asking for 10^9 iterations', async () => {
      const der = await readFile(await pkcs12File(ca, dir, 'mac.p12', { password: 'secret' }));
      refused(
        withMacIterations(der, 1_000_000_000),
        /^input: the PKCS#12 file: its MAC asks for 1000000000 key-derivation iterations \(the limit is 600000\): refusing to spend that long on it; re-export it/,
      );
    });

    it('encrypted certificates asking for 10^9 iterations, PBES2 (OpenSSL 3) and PKCS#12 PBE (legacy)', async () => {
      for (const legacy of [false, true]) {
        const der = await readFile(await pkcs12File(ca, dir, `certs-${legacy}.p12`, { password: 'secret', legacy }));
        refused(
          withCertIterations(der, 1_000_000_000),
          /its encrypted certificates( \(PBKDF2\))? asks for 1000000000 key-derivation iterations/,
        );
      }
    });

    it('an INTEGER too large for any number', async () => {
      const der = await readFile(await pkcs12File(ca, dir, 'big.p12', { password: 'secret' }));
      refused(withMacIterations(der, 2 ** 52), /asks for 4503599627370496 key-derivation iterations/);
    });

    it('a key shrouded with 10^9 iterations: never decrypted, the certificate is read', async () => {
      const rsaCa = await makeCa('Shrouded Key CA', { key: 'rsa-2048', dir });
      const der = pkcs12WithKeyIterations(rsaCa.pem, await readFile(rsaCa.keyPath, 'utf8'), 1_000_000_000);
      const read = readCertificates(der, 'input', { password: 'secret' });
      assert.equal(read.certificates.length, 1);
      assert.match(read.warnings.join('\n'), /the private key in the file was ignored/);
    });
  });
});
