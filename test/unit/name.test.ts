import assert from 'node:assert/strict';
import { certificateFromDer } from '../../src/cert/certificate.js';
import { certificateName, checkName } from '../../src/cert/name.js';
import { pemBlocks } from '../../src/cert/pem.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('certificate file names', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeCa('Corp Root/../CA é "x"');
  });
  after(async () => removeCa(ca));

  it('derives a safe name from the CN and a short fingerprint', () => {
    const cert = certificateFromDer(pemBlocks(ca.pem)[0]!.der);
    const name = certificateName(cert);
    assert.match(name, /^[A-Za-z0-9._-]+$/);
    assert.ok(name.endsWith(`-${cert.fingerprint.slice(0, 8)}`));
    assert.ok(!name.includes('..'));
  });

  it('accepts plain names and strips a .crt extension', () => {
    assert.equal(checkName('corp-root.crt'), 'corp-root');
    assert.equal(checkName('Corp_Root.2024'), 'Corp_Root.2024');
  });

  for (const bad of ['../etc/passwd', 'a/b', '..', '.hidden', 'with space', 'semi;colon', 'x'.repeat(65), '']) {
    it(`refuses --name ${JSON.stringify(bad)}`, () => {
      assert.throws(() => checkName(bad), /--name/);
    });
  }
});
