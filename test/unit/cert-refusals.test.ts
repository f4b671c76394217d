import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificates, MAX_INPUT_BYTES } from '../../src/cert/load.js';
import { UserError } from '../../src/errors.js';
import { trustpatch } from '../support/cli.js';
import { derFile, pkcs12File, pkcs7File, textFile } from '../support/cert-fixtures.js';
import { makeCa, openssl, type TestCa } from '../support/pki.js';

/** Each refusal: a UserError (exit 2) whose one line names the file and what was found. */
async function refusal(path: string, options: { password?: string } = {}): Promise<string> {
  try {
    await loadCertificates(path, options);
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error.message;
  }
  assert.fail(`${path} was accepted`);
}

describe('certificate intake: refusals', function () {
  this.timeout(60_000);
  let dir: string;
  let ca: TestCa;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-refusals-'));
    ca = await makeCa('Refusals CA', { dir });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses a lone private key, PEM or DER, saying so', async () => {
    assert.match(await refusal(ca.keyPath), /found a PRIVATE KEY block and no certificate; .*not its key/);
    const rsaKey = join(dir, 'rsa.key');
    await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', rsaKey]);
    const pkcs1 = await textFile(dir, 'pkcs1.pem', await openssl(['rsa', '-in', rsaKey, '-traditional']));
    assert.match(await refusal(pkcs1), /found a RSA PRIVATE KEY block and no certificate/);
    const derKey = join(dir, 'key.der');
    await openssl(['pkey', '-in', ca.keyPath, '-outform', 'DER', '-out', derKey]);
    assert.match(await refusal(derKey), /found a DER private key and no certificate/);
  });

  it('refuses files with no certificate: a CSR, a public key, plain text, an empty PKCS#7', async () => {
    const csr = join(dir, 'request.csr');
    await openssl(['req', '-new', '-key', ca.keyPath, '-subj', '/CN=x', '-out', csr]);
    assert.match(await refusal(csr), /found a CERTIFICATE REQUEST block and no certificate/);
    const publicKey = await textFile(dir, 'public.pem', await openssl(['pkey', '-in', ca.keyPath, '-pubout']));
    assert.match(await refusal(publicKey), /found a PUBLIC KEY block and no certificate/);
    assert.match(
      await refusal(await textFile(dir, 'notes.txt', 'please trust our proxy\n')),
      /found neither PEM blocks nor DER data/,
    );
    assert.match(
      await refusal(await pkcs7File([], dir, 'empty.p7b')),
      /found an empty PKCS#7 bundle and no certificate/,
    );
  });

  it('refuses an empty file', async () => {
    assert.match(await refusal(await textFile(dir, 'empty.crt', '')), /the file is empty/);
  });

  it('refuses truncated and corrupt files', async () => {
    const der = await readFile(await derFile(ca, dir, 'whole.der'));
    assert.match(
      await refusal(await textFile(dir, 'cut.der', der.subarray(0, der.length - 40))),
      /ends before its declared length.*corrupt, truncated/,
    );
    const cutPem = ca.pem.split('\n').slice(0, 6).join('\n');
    assert.match(
      await refusal(await textFile(dir, 'cut.pem', cutPem)),
      /a BEGIN CERTIFICATE line has no END line: the file is truncated/,
    );
    const trailing = Buffer.concat([der, Buffer.from('junk after the certificate')]);
    assert.match(
      await refusal(await textFile(dir, 'trailing.der', trailing)),
      /the data after the first certificate is damaged/,
    );
    const badLength = Buffer.from(der);
    badLength[3] = badLength[3]! ^ 0x40;
    assert.match(await refusal(await textFile(dir, 'bad-length.der', badLength)), /corrupt/);
    const badSignature = Buffer.from(der);
    badSignature[der.length - 2] = badSignature[der.length - 2]! ^ 0xff;
    assert.match(
      await refusal(await textFile(dir, 'bad-signature.der', badSignature)),
      /signature does not verify: the file is damaged/,
    );
    const garbage = ca.pem.replace(/\n([A-Za-z0-9+/]{64})\n/, '\n!!!!notbase64!!!!\n');
    assert.match(await refusal(await textFile(dir, 'garbage.pem', garbage)), /the CERTIFICATE block is damaged/);
  });

  it('refuses a PKCS#12 file with a wrong or missing password, naming the ways to give one', async () => {
    const p12 = await pkcs12File(ca, dir, 'locked.p12', { password: 'right' });
    assert.match(
      await refusal(p12, { password: 'wrong' }),
      /PKCS#12 file: the password is wrong; give it with --password-file FILE or the TRUSTPATCH_P12_PASSWORD/,
    );
    assert.match(await refusal(p12), /needs a password and none was given/);
  });

  it('refuses a directory, a missing file and an oversized file before reading them', async () => {
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    assert.match(await refusal(sub), /is a directory/);
    assert.match(await refusal(join(dir, 'missing.crt')), /no such file/);
    const huge = join(dir, 'huge.pem');
    await writeFile(huge, ca.pem);
    await truncate(huge, MAX_INPUT_BYTES + 1);
    assert.match(await refusal(huge), /too large for a certificate file/);
  });

  it('exits 2 with one line on stderr and nothing on stdout, through the command line', async () => {
    const result = await trustpatch(['inspect', ca.keyPath]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /found a PRIVATE KEY block and no certificate/);
    const empty = await trustpatch(['inspect', '-'], { input: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^trustpatch: standard input: the file is empty/);
  });
});
