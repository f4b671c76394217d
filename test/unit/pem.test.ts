import assert from 'node:assert/strict';
import { bundleFingerprints, pemBlocks, pemEncode, sha256Hex } from '../../src/cert/pem.js';

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
    assert.deepEqual(fps, [sha256Hex(der), sha256Hex(der)]);
  });

  it('wraps base64 at 64 columns', () => {
    const long = pemEncode('CERTIFICATE', Buffer.alloc(200, 7));
    assert.ok(long.split('\n').every((line) => line.length <= 64));
  });
});
