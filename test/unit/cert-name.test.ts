import { strict as assert } from 'node:assert';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName, checkName, installNames } from '../../src/cert/name.js';
import { UserError } from '../../src/errors.js';
import { daysFromNow, forgeCertificate } from '../support/cert-fixtures.js';

const SAFE = /^[A-Za-z0-9._-]+$/;
const certificateNamed = (commonName: string) =>
  parseCertificates(
    Buffer.from(forgeCertificate({ commonName, notBefore: daysFromNow(-1), notAfter: daysFromNow(300) })),
    'test',
  ).certificates[0]!;

describe('certificate intake: file names', () => {
  it('derives names of [A-Za-z0-9._-] only, whatever the certificate calls itself', () => {
    for (const commonName of [
      '../../etc/passwd',
      'Corp Root CA / Proxy',
      'Zürich Trust «Root»',
      '...',
      'a\u0000b',
      '-rf *',
    ]) {
      const certificate = certificateNamed(commonName);
      const derived = certificateName(certificate);
      assert.match(derived, SAFE, commonName);
      assert.ok(!derived.startsWith('.') && !derived.includes('..') && !derived.includes('/'), derived);
      assert.ok(derived.endsWith(`-${certificate.fingerprint.slice(0, 8)}`), derived);
    }
    assert.match(certificateName(certificateNamed('Corp Root CA')), /^Corp_Root_CA-[0-9a-f]{8}$/);
  });

  it('refuses a --name with a slash, "..", or other characters, and accepts plain names', () => {
    for (const bad of ['a/b', '../x', '..', 'a..b', '.hidden', 'corp ca', 'Zürich', 'x;rm', '', 'a'.repeat(65)]) {
      assert.throws(
        () => checkName(bad),
        (error: unknown) => error instanceof UserError && error.message.startsWith(`--name ${JSON.stringify(bad)}`),
        bad,
      );
    }
    assert.equal(checkName('corp-root.v2'), 'corp-root.v2');
    assert.equal(checkName('corp-root.crt'), 'corp-root');
  });

  it('numbers a --name when the input holds several certificates, one file each', () => {
    const certificates = [certificateNamed('One'), certificateNamed('Two')];
    assert.deepEqual(
      installNames(certificates, 'corp').map((item) => item.name),
      ['corp-1', 'corp-2'],
    );
    assert.deepEqual(
      installNames(certificates.slice(0, 1), 'corp').map((item) => item.name),
      ['corp'],
    );
  });
});
