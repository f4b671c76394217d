import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bundleFingerprints, pemBlocks, pemEncode } from '../../src/cert/pem.js';

/** SHA-256 of the bytes, by openssl: not by the code under test. */
const opensslSha256 = (bytes: Buffer) =>
  execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: bytes }).toString().split(' ')[0]!;

describe('PEM blocks', () => {
  const der = Buffer.from('not really a certificate, just bytes');
  const pem = pemEncode('CERTIFICATE', der);

  it('finds blocks among surrounding text and CRLF line ends', () => {
    const text = `Certificate:\r\n    Data: ...\r\n${pem.replace(/\n/g, '\r\n')}trailing words\n`;
    const blocks = pemBlocks(text);
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0]!.label, 'CERTIFICATE');
    assert.deepEqual(blocks[0]!.der, der);
  });

  it('fingerprints every certificate of a bundle, keeping duplicates and skipping keys', () => {
    const key = pemEncode('PRIVATE KEY', Buffer.from('secret'));
    const fps = bundleFingerprints(pem + key + pem);
    assert.deepEqual(fps, [opensslSha256(der), opensslSha256(der)]);
    assert.match(fps[0]!, /^[0-9a-f]{64}$/);
  });

  it('wraps base64 at 64 columns', () => {
    const long = pemEncode('CERTIFICATE', Buffer.alloc(200, 7));
    assert.ok(long.split('\n').every((line) => line.length <= 64));
  });
});
