import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { lintCertsDir } from '../../src/registry/lint.js';
import type { Finding } from '../../src/registry/findings.js';
import { captureIo } from '../support/capture-io.js';
import { makeCa, openssl, removeCa, type TestCa } from '../support/pki.js';
import { makeClientCertOpenssl, makeExpiredCaPem, type Pair } from '../support/registry-pki.js';

describe('registry lint: each finding from a certs.d fixture', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let client: Pair;
  let other: Pair;
  let root: string;
  let certsD: string;

  before(async () => {
    ca = await makeCa('Lint CA');
    otherCa = await makeCa('Other CA', { key: 'rsa-2048' });
    client = await makeClientCertOpenssl(ca, 'lint-client');
    other = await makeClientCertOpenssl(otherCa, 'other-client', 'ec-p256');
  });
  after(async () => {
    await removeCa(ca);
    await removeCa(otherCa);
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trustpatch-lint-'));
    certsD = join(root, 'certs.d');
    await mkdir(certsD);
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  /** Writes `files` into certs.d/<registry>/ (a Buffer or a path to copy); keys get 0600 unless told. */
  async function fixture(
    registry: string,
    files: Record<string, string | Buffer>,
    modes: Record<string, number> = {},
  ): Promise<string> {
    const dir = join(certsD, registry);
    await mkdir(dir, { recursive: true });
    for (const [name, source] of Object.entries(files)) {
      const path = join(dir, name);
      if (typeof source === 'string') await copyFile(source, path);
      else await writeFile(path, source);
      await chmod(path, modes[name] ?? (name.endsWith('.key') ? 0o600 : 0o644));
    }
    return dir;
  }

  async function kinds(now?: Date): Promise<Finding[]> {
    return (await lintCertsDir(certsD, { now })).findings;
  }

  it('a correct tree (CA and a matching client pair, key 0600): no findings', async () => {
    await fixture('registry.test:5000', {
      'ca.crt': ca.certPath,
      'client.cert': client.certPath,
      'client.key': client.keyPath,
    });
    assert.deepEqual(await kinds(), []);
  });

  it('a CA saved as .cert: ca-as-cert, fix renames it to .crt', async () => {
    const dir = await fixture('registry.test:5000', { 'ca.cert': ca.certPath });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['ca-as-cert'],
    );
    assert.equal(found[0]!.path, join(dir, 'ca.cert'));
    assert.equal(found[0]!.fix, `mv ${join(dir, 'ca.cert')} ${join(dir, 'ca.crt')}`);
  });

  it('a client .cert without its .key: cert-without-key, naming the missing key', async () => {
    const dir = await fixture('registry.test:5000', { 'client.cert': client.certPath });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['cert-without-key'],
    );
    assert.match(found[0]!.fix, new RegExp(`${join(dir, 'client.key')}`));
  });

  it('a .key without its .cert: key-without-cert', async () => {
    await fixture('registry.test:5000', { 'client.key': client.keyPath });
    assert.deepEqual(
      (await kinds()).map((f) => f.kind),
      ['key-without-cert'],
    );
  });

  it('a key that is not the certificate’s: key-mismatch', async () => {
    await fixture('registry.test:5000', { 'client.cert': client.certPath, 'client.key': other.keyPath });
    assert.deepEqual(
      (await kinds()).map((f) => f.kind),
      ['key-mismatch'],
    );
  });

  it('an encrypted key: unreadable-key, with an openssl command to decrypt it', async () => {
    const encrypted = join(root, 'encrypted.key');
    await openssl(['pkey', '-in', client.keyPath, '-aes256', '-passout', 'pass:secret', '-out', encrypted]);
    await fixture('registry.test:5000', { 'client.cert': client.certPath, 'client.key': encrypted });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['unreadable-key'],
    );
    assert.match(found[0]!.fix, /^openssl pkey -in /);
  });

  it('a directory with :443: port-443, fix renames it without the port', async () => {
    const dir = await fixture('registry.test:443', { 'ca.crt': ca.certPath });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['port-443'],
    );
    assert.equal(found[0]!.fix, `mv ${dir} ${join(certsD, 'registry.test')}`);
  });

  it('a DER .crt: not-pem, fix converts it with openssl', async () => {
    const der = await openssl(['x509', '-in', ca.certPath, '-outform', 'DER', '-out', join(root, 'ca.der')]).then(() =>
      readFile(join(root, 'ca.der')),
    );
    await fixture('registry.test:5000', { 'ca.crt': der });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['not-pem'],
    );
    assert.match(found[0]!.problem, /DER/);
    assert.match(found[0]!.fix, /openssl x509 -inform DER/);
  });

  it('a .key that is not PEM: not-pem', async () => {
    await fixture('registry.test:5000', { 'client.cert': client.certPath, 'client.key': Buffer.from('not a key\n') });
    assert.deepEqual(
      (await kinds()).map((f) => f.kind),
      ['not-pem'],
    );
  });

  it('an expired CA and an expired client certificate: expired, one finding per file', async () => {
    await fixture('registry.test:5000', {
      'ca.crt': ca.certPath,
      'client.cert': client.certPath,
      'client.key': client.keyPath,
    });
    const later = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    assert.deepEqual(
      (await kinds(later)).map((f) => `${f.kind} ${f.path.split('/').pop()}`),
      ['expired ca.crt', 'expired client.cert'],
    );
  });

  it('a certificate that expired in 2000: expired, at the real clock', async () => {
    const expired = join(root, 'expired.crt');
    await makeExpiredCaPem(expired);
    await fixture('registry.test:5000', { 'ca.crt': expired });
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['expired'],
    );
    assert.match(found[0]!.problem, /expired on 2000-12-31/);
  });

  it('a certificate not valid yet: not-yet-valid', async () => {
    await fixture('registry.test:5000', { 'ca.crt': ca.certPath });
    assert.deepEqual(
      (await kinds(new Date('2001-01-01T00:00:00Z'))).map((f) => f.kind),
      ['not-yet-valid'],
    );
  });

  it('a key readable by others: key-readable, fix is chmod 600', async () => {
    const dir = await fixture(
      'registry.test:5000',
      { 'client.cert': client.certPath, 'client.key': client.keyPath },
      { 'client.key': 0o644 },
    );
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => f.kind),
      ['key-readable'],
    );
    assert.equal(found[0]!.fix, `chmod 600 ${join(dir, 'client.key')}`);
  });

  it('a loopback registry directory: loopback (the engine never reads it)', async () => {
    await fixture('127.0.0.1:5000', { 'ca.crt': ca.certPath });
    await fixture('localhost:5000', { 'ca.crt': ca.certPath });
    assert.deepEqual(
      (await kinds()).map((f) => f.kind),
      ['loopback', 'loopback'],
    );
  });

  it('a CA named .pem and a file directly in certs.d: ignored-file for both', async () => {
    await fixture('registry.test:5000', { 'ca.pem': ca.certPath, README: Buffer.from('notes\n') });
    await copyFile(ca.certPath, join(certsD, 'ca.crt'));
    const found = await kinds();
    assert.deepEqual(
      found.map((f) => `${f.kind} ${f.path.slice(certsD.length)}`),
      ['ignored-file /ca.crt', 'ignored-file /registry.test:5000/ca.pem'],
    );
  });

  it('the CLI: exit 1 with the file and the fix on problems, 0 when clean, 2 when the directory is missing', async () => {
    await fixture('registry.test:5000', { 'ca.cert': ca.certPath });
    let io = captureIo();
    assert.equal(await main(['registry', 'lint', certsD], io), 1);
    assert.match(io.out(), /ca\.cert: ca-as-cert: .*\n {4}fix: mv .*ca\.cert .*ca\.crt/);
    await rm(join(certsD, 'registry.test:5000', 'ca.cert'));
    io = captureIo();
    assert.equal(await main(['registry', 'lint', certsD], io), 0);
    assert.match(io.out(), /no problems found/);
    io = captureIo();
    assert.equal(await main(['registry', 'lint', join(root, 'missing')], io), 2);
    assert.match(io.err(), /missing: no such directory/);
  });
});
