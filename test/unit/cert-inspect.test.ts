import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectReport } from '../../src/commands/inspect/run.js';
import { trustpatch } from '../support/cli.js';
import { daysFromNow, forgeCertificate, pkcs12File, pkcs7File, textFile } from '../support/cert-fixtures.js';
import { makeCa, makeServerCert, openssl, opensslFingerprint, type TestCa } from '../support/pki.js';

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

/** `trustpatch inspect` as a user runs it, checked against what openssl says of the same files. */
describe('trustpatch inspect', function () {
  this.timeout(60_000);
  let dir: string;
  let ec384: TestCa;
  let rsa: TestCa;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-inspect-'));
    [ec384, rsa] = await Promise.all([
      makeCa('Inspect EC CA', { key: 'ec-p384', dir, days: 200 }),
      makeCa('Inspect RSA CA', { key: 'rsa-2048', dir }),
    ]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints every field for each certificate add would install, as openssl reads them', async () => {
    const bundle = await pkcs7File([ec384, rsa], dir, 'pair.p7b');
    const { stdout, stderr, code } = await trustpatch(['inspect', bundle]);
    assert.equal(code, 0, stderr);
    const serial = (await openssl(['x509', '-in', ec384.certPath, '-noout', '-serial'])).trim().split('=')[1]!;
    for (const expected of [
      '2 certificates',
      '[1] Inspect EC CA',
      'subject   CN=Inspect EC CA, O=trustpatch tests',
      '(self-signed)',
      `SHA-256   ${colons(await opensslFingerprint(ec384.certPath))}`,
      `serial    ${serial}`,
      '(199 days left)',
      'CA        yes',
      'key       EC P-384 (384 bits)',
      'file name Inspect_EC_CA-',
      '[2] Inspect RSA CA',
      'key       RSA (2048 bits)',
    ]) {
      assert.ok(stdout.includes(expected), `missing ${JSON.stringify(expected)} in:\n${stdout}`);
    }
  });

  it('--json gives the same, and the file names add would use (with --name)', async () => {
    const { stdout, code } = await trustpatch([
      'inspect',
      '--json',
      '--name',
      'corp',
      await pkcs7File([ec384, rsa], dir, 'pair-json.p7b', 'PEM'),
    ]);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as InspectReport;
    assert.equal(report.accepted, true);
    assert.deepEqual(
      report.certificates.map((c) => c.fileName),
      ['corp-1.crt', 'corp-2.crt'],
    );
    const first = report.certificates[0]!;
    assert.equal(
      first.fingerprint,
      (await opensslFingerprint(ec384.certPath)).toLowerCase(),
      'lower-case hex, as in every other document',
    );
    assert.deepEqual(
      [first.isCA, first.selfSigned, first.keyType, first.keySize, first.daysLeft],
      [true, true, 'EC P-384', 384, 199],
    );
    assert.deepEqual(first.errors, []);
  });

  it('exits 0 with warnings shown (a key in the file, a leaf with --allow-leaf), reading standard input for -', async () => {
    const server = await makeServerCert(ec384, 'inspect-leaf');
    const input = (await readFile(server.keyPath, 'utf8')) + server.cert;
    const refused = await trustpatch(['inspect', '-'], { input });
    assert.equal(refused.code, 2, 'add would refuse a leaf');
    assert.match(refused.stdout, /ERROR {5}"inspect-leaf" is neither a CA certificate/);
    const { stdout, code } = await trustpatch(['inspect', '-', '--allow-leaf'], { input });
    assert.equal(code, 0);
    assert.match(stdout, /^standard input: 1 certificate/);
    assert.match(stdout, /warning {3}"inspect-leaf" is neither a CA certificate .*accepted: --allow-leaf/);
    assert.match(stdout, /warning: standard input: the private key in the file was ignored/);
    assert.ok(!stdout.includes('PRIVATE KEY') && !stdout.includes(input.split('\n')[1]!), 'no key material printed');
  });

  it('describes an expired certificate with its error, and exits 2 unless --allow-expired', async () => {
    const path = await textFile(
      dir,
      'expired.pem',
      forgeCertificate({ commonName: 'Old CA', notBefore: daysFromNow(-100), notAfter: daysFromNow(-10.5) }),
    );
    const refused = await trustpatch(['inspect', path]);
    assert.equal(refused.code, 2);
    assert.match(refused.stdout, /\(expired 10 days ago\)/);
    assert.match(refused.stdout, /ERROR {5}"Old CA" expired on/);
    assert.match(refused.stderr, /add would refuse 1 of 1 certificates: "Old CA" expired on/);
    const allowed = await trustpatch(['inspect', '--allow-expired', path]);
    assert.equal(allowed.code, 0);
    assert.match(allowed.stdout, /warning {3}"Old CA" expired on .*accepted: --allow-expired/);
  });

  it('opens PKCS#12 with --password-file or the environment variable, never a password flag', async () => {
    const p12 = await pkcs12File(ec384, dir, 'vendor.pfx', { password: 'from-file' });
    const passwordFile = await textFile(dir, 'password.txt', 'from-file\n');
    assert.equal((await trustpatch(['inspect', '--password-file', passwordFile, p12])).code, 0);
    assert.equal((await trustpatch(['inspect', p12], { env: { TRUSTPATCH_P12_PASSWORD: 'from-file' } })).code, 0);
    assert.equal(
      (await trustpatch(['inspect', '--password-env', 'MY_P12', p12], { env: { MY_P12: 'from-file' } })).code,
      0,
    );
    const wrong = await trustpatch(['inspect', p12], { env: { TRUSTPATCH_P12_PASSWORD: 'nope' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /vendor\.pfx: PKCS#12 file: the password is wrong/);
    const unset = await trustpatch(['inspect', '--password-env', 'UNSET_VARIABLE_X', p12]);
    assert.match(unset.stderr, /--password-env UNSET_VARIABLE_X: that environment variable is not set/);
    assert.equal((await trustpatch(['inspect', '--password', 'from-file', p12])).code, 2, 'no --password flag exists');
  });
});
