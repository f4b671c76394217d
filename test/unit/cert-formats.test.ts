import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadCertificates, parseCertificates, readInput } from '../../src/cert/load.js';
import { derFile, pkcs12File, pkcs7File, textFile } from '../support/cert-fixtures.js';
import { makeCa, openssl, opensslFingerprint, type TestCa } from '../support/pki.js';

/** Every form of input the issue lists, each checked against fingerprints openssl computes. */
describe('certificate intake: formats, judged by content', function () {
  this.timeout(60_000);
  let dir: string;
  let ec256: TestCa;
  let ec384: TestCa;
  let rsa: TestCa;
  let ed25519: TestCa;
  const fingerprints = new Map<TestCa, string>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-formats-'));
    [ec256, ec384, rsa, ed25519] = await Promise.all([
      makeCa('Formats EC256 CA', { key: 'ec-p256', dir }),
      makeCa('Formats EC384 CA', { key: 'ec-p384', dir }),
      makeCa('Formats RSA CA', { key: 'rsa-2048', dir }),
      makeCa('Formats Ed25519 CA', { key: 'ed25519', dir }),
    ]);
    for (const ca of [ec256, ec384, rsa, ed25519]) fingerprints.set(ca, await opensslFingerprint(ca.certPath));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const fingerprintsOf = (loaded: { certificates: { fingerprint: string }[] }) =>
    loaded.certificates.map((c) => c.fingerprint);

  it('reads one PEM certificate of each key type, with its key type and size', async () => {
    const expected: [TestCa, string, number][] = [
      [ec256, 'EC P-256', 256],
      [ec384, 'EC P-384', 384],
      [rsa, 'RSA', 2048],
      [ed25519, 'Ed25519', 256],
    ];
    for (const [ca, keyType, keySize] of expected) {
      const loaded = await loadCertificates(ca.certPath);
      assert.deepEqual(fingerprintsOf(loaded), [fingerprints.get(ca)]);
      assert.equal(loaded.certificates[0]!.keyType, keyType);
      assert.equal(loaded.certificates[0]!.keySize, keySize);
      assert.deepEqual(loaded.warnings, []);
    }
  });

  it('reads several PEM certificates from one file, in order, and drops duplicates', async () => {
    const path = await textFile(dir, 'many.pem', rsa.pem + ec384.pem + rsa.pem + ed25519.pem);
    const loaded = await loadCertificates(path);
    assert.deepEqual(
      fingerprintsOf(loaded),
      [rsa, ec384, ed25519].map((ca) => fingerprints.get(ca)),
    );
    assert.match(loaded.warnings.join('\n'), /1 duplicate certificate dropped/);
  });

  it('reads PEM with CRLF line ends and a UTF-8 byte order mark', async () => {
    const path = await textFile(
      dir,
      'windows.crt',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ec384.pem.replace(/\n/g, '\r\n'))]),
    );
    assert.deepEqual(fingerprintsOf(await loadCertificates(path)), [fingerprints.get(ec384)]);
  });

  it('reads the text around the block that `openssl x509 -text` writes', async () => {
    const text = await openssl(['x509', '-in', rsa.certPath, '-text']);
    assert.match(text, /Certificate:\n\s+Data:/);
    const path = await textFile(dir, 'with-text.pem', text);
    assert.deepEqual(fingerprintsOf(await loadCertificates(path)), [fingerprints.get(rsa)]);
  });

  it('reads a TRUSTED CERTIFICATE block, fingerprinting the certificate without its trust settings', async () => {
    const text = await openssl(['x509', '-in', ed25519.certPath, '-addtrust', 'serverAuth', '-trustout']);
    assert.match(text, /BEGIN TRUSTED CERTIFICATE/);
    const loaded = await loadCertificates(await textFile(dir, 'trusted.pem', text));
    assert.deepEqual(fingerprintsOf(loaded), [fingerprints.get(ed25519)]);
    assert.match(loaded.certificates[0]!.pem, /^-----BEGIN CERTIFICATE-----\n/);
  });

  it('reads binary DER whatever the extension says (.der, .cer, .crt), and PEM named .der', async () => {
    for (const name of ['ca.der', 'ca.cer', 'binary.crt']) {
      assert.deepEqual(
        fingerprintsOf(await loadCertificates(await derFile(ec384, dir, name))),
        [fingerprints.get(ec384)],
        name,
      );
    }
    const both = Buffer.concat([
      await readFile(await derFile(rsa, dir, 'a.der')),
      await readFile(await derFile(ed25519, dir, 'b.der')),
      Buffer.from('\r\n'),
    ]);
    assert.deepEqual(
      fingerprintsOf(await loadCertificates(await textFile(dir, 'both.der', both))),
      [rsa, ed25519].map((ca) => fingerprints.get(ca)),
      'DER back to back',
    );
    const pemNamedDer = await textFile(dir, 'actually-pem.der', ec256.pem);
    assert.deepEqual(fingerprintsOf(await loadCertificates(pemNamedDer)), [fingerprints.get(ec256)]);
  });

  it('reads PKCS#7 bundles in DER and PEM (.p7b, .p7c), with EC, RSA and Ed25519 certificates', async () => {
    for (const [name, form] of [
      ['chain.p7b', 'DER'],
      ['chain.p7c', 'PEM'],
      ['named-wrong.pem', 'DER'],
    ] as const) {
      const path = await pkcs7File([ec384, rsa, ed25519], dir, name, form);
      assert.deepEqual(
        fingerprintsOf(await loadCertificates(path)),
        [ec384, rsa, ed25519].map((ca) => fingerprints.get(ca)),
        name,
      );
    }
  });

  it('reads PKCS#12 with an empty password, taking the certificates and ignoring the key', async () => {
    const loaded = await loadCertificates(await pkcs12File(ec384, dir, 'empty.p12'));
    assert.deepEqual(fingerprintsOf(loaded), [fingerprints.get(ec384)]);
    assert.match(loaded.warnings.join('\n'), /private key in the file was ignored/);
  });

  it('reads PKCS#12 with a password, in OpenSSL 3 (AES, SHA-256) and legacy (3DES, SHA-1) form', async () => {
    const modern = await pkcs12File(ec384, dir, 'modern.pfx', { password: 'c0rp-s3cret!' });
    assert.deepEqual(fingerprintsOf(await loadCertificates(modern, { password: 'c0rp-s3cret!' })), [
      fingerprints.get(ec384),
    ]);
    const legacy = await pkcs12File(rsa, dir, 'legacy.p12', { password: 'pw', legacy: true, extra: [ed25519] });
    // forge re-encodes RSA certificates from its own objects: the fingerprints prove the bytes are unchanged.
    assert.deepEqual(
      fingerprintsOf(await loadCertificates(legacy, { password: 'pw' })),
      [rsa, ed25519].map((ca) => fingerprints.get(ca)),
    );
  });

  it('reads a PKCS#12 file that holds certificates only', async () => {
    const loaded = await loadCertificates(
      await pkcs12File(ec256, dir, 'certs-only.p12', { noKey: true, password: 'x' }),
      { password: 'x' },
    );
    assert.deepEqual(fingerprintsOf(loaded), [fingerprints.get(ec256)]);
    assert.deepEqual(loaded.warnings, []);
  });

  it('takes the certificate from a certificate-plus-key file (mitmproxy-ca.pem) and keeps no trace of the key', async () => {
    const key = await readFile(ec384.keyPath, 'utf8');
    const path = await textFile(dir, 'mitmproxy-ca.pem', key + ec384.pem);
    const loaded = await loadCertificates(path);
    assert.deepEqual(fingerprintsOf(loaded), [fingerprints.get(ec384)]);
    assert.match(loaded.warnings.join('\n'), /mitmproxy-ca\.pem: the private key in the file was ignored/);
    const keyBody = key.split('\n')[1]!;
    const everything = JSON.stringify({
      ...loaded,
      certificates: loaded.certificates.map((c) => ({ ...c, x509: undefined, der: c.der.toString('base64') })),
    });
    assert.ok(!everything.includes(keyBody) && !everything.includes('PRIVATE KEY'));
  });

  it('reads standard input for `-`', async () => {
    const bytes = await readInput(
      '-',
      Readable.from([Buffer.from(rsa.pem.slice(0, 100)), Buffer.from(rsa.pem.slice(100))]),
    );
    assert.deepEqual(fingerprintsOf(parseCertificates(bytes, 'standard input')), [fingerprints.get(rsa)]);
  });
});
