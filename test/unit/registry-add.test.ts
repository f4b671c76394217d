import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { runRegistryAdd } from '../../src/commands/registry/add.js';
import { captureIo } from '../support/capture-io.js';
import { FakeClient, FakeContainer } from '../support/fake-client.js';
import { makeCa, openssl, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { makeClientCertOpenssl, opensslPublicKey, type Pair } from '../support/registry-pki.js';

describe('registry add: certs.d written by the engine’s rules', () => {
  let ca: TestCa;
  let client: Pair;
  let stranger: Pair;
  let root: string;
  let certsD: string;

  before(async () => {
    ca = await makeCa('Registry CA');
    client = await makeClientCertOpenssl(ca, 'ci-runner');
    stranger = await makeClientCertOpenssl(ca, 'stranger');
  });
  after(async () => removeCa(ca));
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trustpatch-regadd-'));
    certsD = join(root, 'certs.d');
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  async function cli(args: string[]) {
    const io = captureIo();
    const code = await main(['registry', 'add', ...args, '--certs-dir', certsD], io);
    return { code, out: io.out(), err: io.err() };
  }
  const mode = async (path: string) => (await stat(path)).mode & 0o7777;

  it('writes ca.crt, client.cert and client.key (0600) into certs.d/<host:port>, dirs 0755', async () => {
    const result = await cli([
      'registry.test:5000',
      '--ca',
      ca.certPath,
      '--client-cert',
      client.certPath,
      '--client-key',
      client.keyPath,
    ]);
    assert.equal(result.code, 0, result.err);
    const dir = join(certsD, 'registry.test:5000');
    assert.deepEqual((await readdir(dir)).sort(), ['ca.crt', 'client.cert', 'client.key']);
    assert.equal(await opensslFingerprint(join(dir, 'ca.crt')), await opensslFingerprint(ca.certPath));
    assert.equal(await opensslFingerprint(join(dir, 'client.cert')), await opensslFingerprint(client.certPath));
    assert.equal(
      await opensslPublicKey(join(dir, 'client.key'), 'key'),
      await opensslPublicKey(client.certPath, 'cert'),
    );
    assert.equal(await mode(join(dir, 'client.key')), 0o600);
    assert.equal(await mode(join(dir, 'ca.crt')), 0o644);
    assert.equal(await mode(dir), 0o755);
    assert.equal(await mode(certsD), 0o755);
    assert.doesNotMatch(result.out + result.err, /PRIVATE KEY|BEGIN/);
  });

  it('drops :443 from the directory name and says so', async () => {
    const result = await cli(['registry.test:443', '--ca', ca.certPath]);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(await readdir(certsD), ['registry.test']);
    assert.match(result.out, /note: dropped :443/);
  });

  it('turns a DER CA into PEM ca.crt (the engine reads PEM only)', async () => {
    const der = join(root, 'ca.der');
    await openssl(['x509', '-in', ca.certPath, '-outform', 'DER', '-out', der]);
    assert.equal((await cli(['registry.test:5000', '--ca', der])).code, 0);
    const written = await readFile(join(certsD, 'registry.test:5000', 'ca.crt'), 'utf8');
    assert.match(written, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(
      await opensslFingerprint(join(certsD, 'registry.test:5000', 'ca.crt')),
      await opensslFingerprint(ca.certPath),
    );
  });

  it('--dry-run reports would-write and writes nothing', async () => {
    const result = await cli([
      'registry.test:5000',
      '--ca',
      ca.certPath,
      '--client-cert',
      client.certPath,
      '--client-key',
      client.keyPath,
      '--dry-run',
    ]);
    assert.equal(result.code, 0);
    assert.equal((result.out.match(/^would-write /gm) ?? []).length, 3);
    await assert.rejects(stat(certsD), { code: 'ENOENT' });
  });

  it('a key that does not match the certificate: exit 2, nothing written', async () => {
    const result = await cli([
      'registry.test:5000',
      '--ca',
      ca.certPath,
      '--client-cert',
      client.certPath,
      '--client-key',
      stranger.keyPath,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.err, /stranger\.key does not match .*ci-runner\.pem \(different public keys\)/);
    await assert.rejects(stat(certsD), { code: 'ENOENT' });
  });

  it('an encrypted client key: exit 2, says the engine cannot read it, nothing written', async () => {
    const encrypted = join(root, 'enc.key');
    await openssl(['pkey', '-in', client.keyPath, '-aes256', '-passout', 'pass:x', '-out', encrypted]);
    const result = await cli(['registry.test:5000', '--client-cert', client.certPath, '--client-key', encrypted]);
    assert.equal(result.code, 2);
    assert.match(result.err, /enc\.key: not a usable private key \(the key is encrypted\)/);
    await assert.rejects(stat(certsD), { code: 'ENOENT' });
  });

  it('bad input is one line and exit 2: no --ca nor client pair, a lone --client-cert, a URL for a host, a path as --client-name', async () => {
    const pair = ['--client-cert', client.certPath, '--client-key', client.keyPath];
    for (const args of [
      ['registry.test'],
      ['registry.test', '--client-cert', client.certPath],
      ['https://registry.test:5000/v2/', '--ca', ca.certPath],
      ['registry.test', ...pair, '--client-name', '../x'],
    ]) {
      const result = await cli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.err.trim().split('\n').length, 1);
    }
    assert.match(
      (await cli(['https://registry.test:5000/v2/', '--ca', ca.certPath])).err,
      /give registry\.test:5000\./,
    );
  });

  it('a second run skips what is there; another CA’s ca.crt is kept and a new .crt added', async () => {
    const args = [
      'registry.test:5000',
      '--ca',
      ca.certPath,
      '--client-cert',
      client.certPath,
      '--client-key',
      client.keyPath,
    ];
    assert.equal((await cli(args)).code, 0);
    const again = await cli(args);
    assert.equal((again.out.match(/^skipped /gm) ?? []).length, 3, again.out);
    const other = await makeCa('Second CA');
    try {
      const result = await cli(['registry.test:5000', '--ca', other.certPath]);
      assert.equal(result.code, 0);
      const files = (await readdir(join(certsD, 'registry.test:5000'))).sort();
      const added = files.find((f) => /^ca-[0-9a-f]{8}\.crt$/.test(f));
      assert.ok(added, files.join(' '));
      assert.equal(
        await opensslFingerprint(join(certsD, 'registry.test:5000', 'ca.crt')),
        await opensslFingerprint(ca.certPath),
      );
      assert.equal(
        await opensslFingerprint(join(certsD, 'registry.test:5000', added)),
        await opensslFingerprint(other.certPath),
      );
    } finally {
      await removeCa(other);
    }
  });

  it('a different client pair under the same name: exit 2 unless --force replaces it', async () => {
    assert.equal(
      (await cli(['registry.test:5000', '--client-cert', client.certPath, '--client-key', client.keyPath])).code,
      0,
    );
    const refused = await cli([
      'registry.test:5000',
      '--client-cert',
      stranger.certPath,
      '--client-key',
      stranger.keyPath,
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--client-name.*--force/);
    const forced = await cli([
      'registry.test:5000',
      '--client-cert',
      stranger.certPath,
      '--client-key',
      stranger.keyPath,
      '--force',
    ]);
    assert.equal(forced.code, 0);
    assert.equal(
      await opensslFingerprint(join(certsD, 'registry.test:5000', 'client.cert')),
      await opensslFingerprint(stranger.certPath),
    );
  });

  it('a loopback registry: written, with a warning that the engine will not read it', async () => {
    const result = await cli(['127.0.0.1:5000', '--ca', ca.certPath]);
    assert.equal(result.code, 0);
    assert.match(result.err, /warning: 127\.0\.0\.1:5000 is a loopback address: .*never reads certs\.d/);
  });

  it('a directory it cannot write: the file is failed with the reason, exit 1', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a directory should be');
    const io = captureIo();
    const code = await main(
      ['registry', 'add', 'registry.test:5000', '--ca', ca.certPath, '--certs-dir', join(root, 'blocker')],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.out(), /^failed .*ca\.crt[\s\S]*reason: .*(ENOTDIR|EEXIST)/m);
  });

  it('--container writes through the archive API: key 0600, cert and CA 0644', async () => {
    const fake = new FakeClient();
    const dind = fake.add(new FakeContainer('d1nd'.padEnd(64, '0'), 'dind'));
    const report = await runRegistryAdd({
      registry: 'registry.test:5000',
      ca: ca.certPath,
      clientCert: client.certPath,
      clientKey: client.keyPath,
      container: 'dind',
      client: fake,
    });
    const dir = '/etc/docker/certs.d/registry.test:5000';
    assert.deepEqual(
      report.actions.map((a) => `${a.status} ${a.path}`),
      [`written ${dir}/ca.crt`, `written ${dir}/client.key`, `written ${dir}/client.cert`],
    );
    assert.equal(dind.modes.get(`${dir}/client.key`), 0o600);
    assert.equal(dind.modes.get(`${dir}/client.cert`), 0o644);
    assert.equal(dind.read(`${dir}/client.key`), await readFile(client.keyPath, 'latin1'));
    const again = await runRegistryAdd({
      registry: 'registry.test:5000',
      ca: ca.certPath,
      clientCert: client.certPath,
      clientKey: client.keyPath,
      container: 'dind',
      client: fake,
    });
    assert.deepEqual(
      again.actions.map((a) => a.status),
      ['skipped', 'skipped', 'skipped'],
    );
  });

  it('--container with an unknown name: exit 2, names it', async () => {
    await mkdir(certsD, { recursive: true });
    await assert.rejects(
      runRegistryAdd({ registry: 'registry.test', ca: ca.certPath, container: 'nope', client: new FakeClient() }),
      /container "nope": no such container/,
    );
  });
});
