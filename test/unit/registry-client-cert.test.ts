import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { makeCa, openssl, removeCa, type KeySpec } from '../support/pki.js';
import { opensslPublicKey } from '../support/registry-pki.js';

describe('registry client-cert: a client pair signed by the CA, as openssl sees it', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trustpatch-clientcert-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const io = captureIo(env);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const code = await main(['registry', 'client-cert', ...args], io);
      return { code, out: io.out(), err: io.err() };
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    }
  }

  for (const key of ['ec-p256', 'ec-p384', 'rsa-2048', 'ed25519'] as KeySpec[]) {
    it(`signed by a ${key} CA: openssl verifies it for client authentication`, async () => {
      const ca = await makeCa(`Client CA ${key}`, { key });
      try {
        const out = join(root, 'out');
        const result = await cli(['--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'ci-runner', '-o', out]);
        assert.equal(result.code, 0, result.err);
        assert.deepEqual((await readdir(out)).sort(), ['ca.crt', 'client.cert', 'client.key']);
        const cert = join(out, 'client.cert');
        assert.match(
          await openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslclient', '-x509_strict', cert]),
          /client\.cert: OK/,
        );
        assert.equal(await opensslPublicKey(join(out, 'client.key'), 'key'), await opensslPublicKey(cert, 'cert'));
        assert.equal((await stat(join(out, 'client.key'))).mode & 0o777, 0o600);
        const text = await openssl(['x509', '-in', cert, '-noout', '-text']);
        assert.match(text, /Subject: CN ?= ?ci-runner/);
        assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
        assert.match(text, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
        assert.match(text, /Extended Key Usage: \s*TLS Web Client Authentication/);
        assert.match(text, /Public-Key: \(2048 bit\)/);
        const caSki = (await openssl(['x509', '-in', ca.certPath, '-noout', '-ext', 'subjectKeyIdentifier']))
          .trim()
          .split('\n')
          .pop()!
          .trim();
        assert.match(text, new RegExp(`Authority Key Identifier: \\s*(keyid:)?${caSki}`));
        assert.doesNotMatch(result.out + result.err, /PRIVATE KEY/);
      } finally {
        await removeCa(ca);
      }
    });
  }

  it('an encrypted CA key opens with --ca-key-passphrase-env; without it, exit 2 naming the flag', async () => {
    const ca = await makeCa('Encrypted CA');
    try {
      const encrypted = join(root, 'ca-enc.key');
      await openssl(['pkey', '-in', ca.keyPath, '-aes256', '-passout', 'pass:s3cret', '-out', encrypted]);
      const refused = await cli(['--ca-cert', ca.certPath, '--ca-key', encrypted, '--cn', 'x', '-o', join(root, 'a')]);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /--ca-key-passphrase-env/);
      const opened = await cli(
        [
          '--ca-cert',
          ca.certPath,
          '--ca-key',
          encrypted,
          '--ca-key-passphrase-env',
          'TP_TEST_CA_PASS',
          '--cn',
          'x',
          '-o',
          join(root, 'b'),
        ],
        { TP_TEST_CA_PASS: 's3cret' },
      );
      assert.equal(opened.code, 0, opened.err);
      assert.match(
        await openssl(['verify', '-CAfile', ca.certPath, '-purpose', 'sslclient', join(root, 'b', 'client.cert')]),
        /OK/,
      );
    } finally {
      await removeCa(ca);
    }
  });

  it('bad input, exit 2 and nothing written: a key of another CA, a CA that is no CA, files already there', async () => {
    const ca = await makeCa('Right CA');
    const other = await makeCa('Other CA');
    try {
      const out = join(root, 'out');
      const wrongKey = await cli(['--ca-cert', ca.certPath, '--ca-key', other.keyPath, '--cn', 'x', '-o', out]);
      assert.equal(wrongKey.code, 2);
      assert.match(wrongKey.err, /Other-CA\.key is not the key of .*Right-CA\.crt/);
      await assert.rejects(stat(out), { code: 'ENOENT' });

      assert.equal((await cli(['--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'first', '-o', out])).code, 0);
      const leaf = join(out, 'client.cert');
      const notCa = await cli([
        '--ca-cert',
        leaf,
        '--ca-key',
        join(out, 'client.key'),
        '--cn',
        'x',
        '-o',
        join(root, 'x'),
      ]);
      assert.equal(notCa.code, 2);
      assert.match(notCa.err, /client\.cert: first is not a CA certificate/);

      const before = await openssl(['x509', '-in', leaf, '-noout', '-fingerprint']);
      const taken = await cli(['--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'second', '-o', out]);
      assert.equal(taken.code, 2);
      assert.match(taken.err, /client\.(key|cert) already exists/);
      assert.equal(await openssl(['x509', '-in', leaf, '-noout', '-fingerprint']), before);
    } finally {
      await removeCa(ca);
      await removeCa(other);
    }
  });

  it('keeps another CA’s ca.crt in the output directory and says so', async () => {
    const ca = await makeCa('Keep CA');
    try {
      const out = join(root, 'out');
      await cli(['--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'a', '-o', out, '--name', 'a']);
      await writeFile(join(out, 'ca.crt'), '# someone else\n');
      const result = await cli([
        '--ca-cert',
        ca.certPath,
        '--ca-key',
        ca.keyPath,
        '--cn',
        'b',
        '-o',
        out,
        '--name',
        'b',
      ]);
      assert.equal(result.code, 0);
      assert.match(result.out, /skipped .*ca\.crt .*holds another certificate/);
      assert.equal(
        await readFile(join(out, 'ca.crt'), 'utf8'),
        '# someone else\n',
        'the other ca.crt is kept as it was',
      );
    } finally {
      await removeCa(ca);
    }
  });
});
