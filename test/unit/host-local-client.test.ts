import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_ID, LocalClient } from '../../src/host/local-client.js';
import { inRoot } from '../../src/host/root-path.js';

describe('LocalClient: the container-client interface over a directory tree', () => {
  let root: string;
  let outside: string;
  let client: LocalClient;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trustpatch-local-'));
    outside = await mkdtemp(join(tmpdir(), 'trustpatch-outside-'));
    client = new LocalClient(root);
    await mkdir(join(root, 'etc/ssl/certs'), { recursive: true });
    await mkdir(join(root, 'usr/share'), { recursive: true });
    await writeFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'bundle\n');
    await symlink('certs/ca-certificates.crt', join(root, 'etc/ssl/cert.pem'));
    // An absolute link means the tree's own /usr, never this machine's.
    await symlink('/usr/share', join(root, 'etc/shared'));
    await writeFile(join(outside, 'secret'), 'not in the tree');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('resolves links in parent directories inside the tree, absolute ones included, and never climbs out', async () => {
    assert.equal(await inRoot(root, '/etc/shared/x'), join(root, 'usr/share/x'));
    assert.equal(await inRoot(root, '/etc/ssl/cert.pem'), join(root, 'etc/ssl/cert.pem'));
    assert.equal(await inRoot(root, `/../../..${outside}/secret`), join(root, outside, 'secret'));
    await symlink(`../../../../../../..${outside}`, join(root, 'etc/escape'));
    assert.equal(await inRoot(root, '/etc/escape/secret'), join(root, outside, 'secret'));
    assert.equal(await client.getArchive(HOST_ID, '/etc/escape/secret'), undefined);
  });

  it('stat and getArchive: a link itself, a file with its bytes, a directory whole with engine-style names', async () => {
    assert.deepEqual(await client.stat(HOST_ID, '/etc/ssl/cert.pem'), {
      name: 'cert.pem',
      size: 'certs/ca-certificates.crt'.length,
      type: 'symlink',
      linkTarget: 'certs/ca-certificates.crt',
    });
    assert.equal(await client.stat(HOST_ID, '/etc/missing'), undefined);
    const file = await client.getArchive(HOST_ID, '/etc/ssl/certs/ca-certificates.crt');
    assert.deepEqual(
      file?.map((e) => [e.name, e.type, e.content.toString()]),
      [['ca-certificates.crt', 'file', 'bundle\n']],
    );
    const dir = await client.getArchive(HOST_ID, '/etc/ssl');
    assert.deepEqual(
      dir?.map((e) => [e.name, e.type, e.linkTarget]),
      [
        ['ssl/', 'directory', undefined],
        ['ssl/cert.pem', 'symlink', 'certs/ca-certificates.crt'],
        ['ssl/certs/', 'directory', undefined],
        ['ssl/certs/ca-certificates.crt', 'file', undefined],
      ],
    );
  });

  it('putFiles writes whole files with their mode, creates parents, replaces a link at the path and follows links above it', async () => {
    await client.putFiles(HOST_ID, [
      { path: '/usr/local/share/ca-certificates/a.crt', content: 'A', mode: 0o600 },
      { path: '/etc/ssl/cert.pem', content: 'now a file' },
      { path: '/etc/shared/through-link', content: 'L' },
    ]);
    assert.equal(await readFile(join(root, 'usr/local/share/ca-certificates/a.crt'), 'utf8'), 'A');
    assert.equal((await lstat(join(root, 'usr/local/share/ca-certificates/a.crt'))).mode & 0o777, 0o600);
    assert.equal((await lstat(join(root, 'usr/local/share/ca-certificates'))).mode & 0o777, 0o755);
    assert.ok((await lstat(join(root, 'etc/ssl/cert.pem'))).isFile());
    assert.equal(await readFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8'), 'bundle\n');
    assert.equal(await readFile(join(root, 'usr/share/through-link'), 'utf8'), 'L');
    assert.equal(await readlink(join(root, 'etc/shared')), '/usr/share');
  });

  it('putFiles refuses a path that is not plain and absolute, and writes nothing for it', async () => {
    await assert.rejects(
      client.putFiles(HOST_ID, [{ path: 'etc/relative', content: 'x' }]),
      /not a plain absolute file path/,
    );
    await assert.rejects(
      client.putFiles(HOST_ID, [{ path: '/etc/../x', content: 'x' }]),
      /not a plain absolute file path/,
    );
    await assert.rejects(lstat(join(root, 'etc/relative')));
  });

  it('inspect: one running Linux "container" named for the tree; the host itself is named host', async () => {
    const info = await client.inspect(HOST_ID);
    assert.deepEqual(
      [info.id, info.name, info.running, info.platform, info.readOnlyRootfs],
      [HOST_ID, root, true, 'linux', false],
    );
    assert.equal((await new LocalClient().inspect()).name, 'host');
    assert.equal(client.endpoint, `local://${root}`);
    await assert.rejects(client.restart(), /does not restart the host/);
  });
});

describe('LocalClient.exec on this machine (root /)', () => {
  const client = new LocalClient('/');

  it('returns stdout, stderr and the exit code, and feeds stdin', async () => {
    const run = await client.exec(HOST_ID, ['/bin/sh', '-c', 'cat; echo err >&2; exit 3'], { stdin: 'in' });
    assert.deepEqual([run.stdout, run.stderr, run.exitCode, run.timedOut], ['in', 'err\n', 3, false]);
  });

  it('finds programs in sbin, passes env, reports a missing program as 127 and a timeout as -1', async () => {
    assert.equal((await client.exec(HOST_ID, ['sh', '-c', 'echo "$X"'], { env: ['X=a=b'] })).stdout, 'a=b\n');
    const missing = await client.exec(HOST_ID, ['/nonexistent/program']);
    assert.equal(missing.exitCode, 127);
    assert.match(missing.stderr, /ENOENT/);
    const slow = await client.exec(HOST_ID, ['sleep', '5'], { timeoutMs: 100 });
    assert.deepEqual([slow.exitCode, slow.timedOut], [-1, true]);
  });

  it('runs as root only: another user is refused without running anything', async () => {
    const run = await client.exec(HOST_ID, ['touch', '/nonexistent-should-not-run'], { user: '1000' });
    assert.equal(run.exitCode, 126);
    assert.match(run.stderr, /as root only/);
  });
});
