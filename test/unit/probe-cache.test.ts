import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecOptions, ExecResult, PathStat } from '../../src/docker/container-client.js';
import { isProbeWithTar, isProgramProbe, ProbeCache } from '../../src/patch/probe-cache.js';
import { storeReadOf, TAR_PATHS } from '../../src/system-store/store-read-exec.js';
import { FakeClient, FakeContainer } from '../support/fake-client.js';

/** A FakeClient that counts stats and answers the probe script as a shell would, from its files and links. */
class CountingClient extends FakeClient {
  stats = 0;

  override stat(id: string, path: string): Promise<PathStat | undefined> {
    this.stats += 1;
    return super.stat(id, path);
  }
}

function setup(answer?: (paths: readonly string[]) => string) {
  const client = new CountingClient();
  const container = client.add(new FakeContainer('c1', 'c1'));
  container
    .write('/bin/sh', 'ELF')
    .write('/usr/bin/curl', 'ELF')
    .write('/usr/sbin/update-ca-certificates', '#!/bin/sh');
  container.links.set('/usr/bin/python3', 'python3.11');
  container.info.env = ['PATH=/opt/app/bin:/usr/bin'];
  container.handler = (argv, self) => {
    if (!isProgramProbe(argv)) return undefined;
    const paths = argv.slice(4);
    if (answer) return { exitCode: 0, stdout: answer(paths) };
    const letter = (p: string) => (self.links.has(p) ? 'l' : self.files.has(p) ? 'f' : '-');
    return { exitCode: 0, stdout: paths.map((p) => `${letter(p)}\n`).join('') };
  };
  return { client, container, cache: new ProbeCache(client) };
}

describe('probe of programs: one exec instead of a stat each', () => {
  it('answers the stats of the probed paths from one exec, the container PATH and family programs included', async () => {
    const { client, container, cache } = setup();
    await cache.prefetch(container.info, '/bin/sh', ['/usr/sbin/update-ca-certificates']);
    const probe = container.execs.find(isProgramProbe)!;
    assert.ok(probe.includes('/opt/app/bin/python3') && probe.includes('/usr/sbin/update-ca-certificates'));
    assert.equal((await cache.stat('c1', '/usr/bin/curl'))?.type, 'file');
    assert.equal(await cache.stat('c1', '/usr/local/bin/curl'), undefined);
    assert.equal((await cache.stat('c1', '/usr/sbin/update-ca-certificates'))?.type, 'file');
    assert.equal(client.stats, 0, 'no stat reached the engine');
  });

  it('answers a link only as the engine did, and never for a path it did not probe (the write guard asks the engine)', async () => {
    const { client, container, cache } = setup();
    await cache.prefetch(container.info, '/bin/sh', []);
    assert.equal((await cache.stat('c1', '/usr/bin/python3'))?.type, 'symlink');
    assert.equal(await cache.stat('c1', '/etc/ssl/certs'), undefined);
    assert.equal(client.stats, 2);
    assert.equal((await cache.stat('c1', '/usr/bin/python3'))?.type, 'symlink', 'the engine answer, kept');
    await cache.stat('c1', '/etc/ssl/certs');
    assert.equal(client.stats, 3, 'the link asked once; the unprobed path every time');
    await cache.exec('c1', ['/usr/bin/apt-get', 'install']);
    await cache.stat('c1', '/usr/bin/python3');
    assert.equal(client.stats, 4, 'a command that may change the container: the link is asked again');
  });

  it('forgets everything after a command that may change the container, keeps it after a read', async () => {
    const { client, container, cache } = setup();
    await cache.prefetch(container.info, '/bin/sh', []);
    await cache.exec('c1', ['/bin/tar', '-c'], { readsOnly: true });
    await cache.stat('c1', '/usr/bin/curl');
    assert.equal(client.stats, 0);
    await cache.exec('c1', ['/usr/bin/apt-get', 'install']);
    container.write('/usr/bin/wget', 'ELF');
    assert.equal((await cache.stat('c1', '/usr/bin/wget'))?.type, 'file', 'a program an install brought is found');
  });

  it('after a write, forgets the paths written and those it may have created, and keeps the others', async () => {
    const { client, container, cache } = setup();
    container.info.env = ['PATH=/usr/bin:/opt/tools/bin'];
    await cache.prefetch(container.info, '/bin/sh', []);
    assert.equal(await cache.stat('c1', '/opt/tools/bin/curl'), undefined, 'probed: not there');
    assert.equal(client.stats, 0);
    // A write that lands on a probed path, and one that creates a probed directory's parent.
    await cache.putFiles('c1', [
      { path: '/etc/ssl/certs/x.pem', content: 'x' },
      { path: '/opt/tools/bin/curl', content: 'ELF' },
    ]);
    assert.equal((await cache.stat('c1', '/usr/bin/curl'))?.type, 'file');
    assert.equal(client.stats, 0, 'an untouched path is still answered from the probe');
    assert.equal((await cache.stat('c1', '/opt/tools/bin/curl'))?.type, 'file', 'the written path is asked again');
    assert.equal(client.stats, 1);
    await cache.putFiles('c1', [{ path: '/opt/tools/bin/curl/inside', content: 'x' }]);
    await cache.stat('c1', '/opt/tools/bin/curl');
    assert.equal(client.stats, 2, 'a path under which a write lands is asked again');
  });

  it('an answer it cannot read (too few lines, an unknown letter) leaves every stat to the engine', async () => {
    for (const answer of [() => 'f\n', (paths: readonly string[]) => paths.map(() => 'x\n').join('')]) {
      const { client, container, cache } = setup(answer);
      await cache.prefetch(container.info, '/bin/sh', []);
      assert.equal((await cache.stat('c1', '/usr/bin/curl'))?.type, 'file');
      assert.equal(client.stats, 1);
    }
  });
});

/** A client whose execs run on this machine, as given (argv, no shell added): the probe's real script under a real sh and tar. */
class LocalExecClient extends CountingClient {
  containerEnv: string[] = [];
  override async exec(_id: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    // The exec's variables over a container environment of `containerEnv`, as the engine sets them.
    const env = Object.fromEntries([...this.containerEnv, ...(options?.env ?? [])].map((v) => v.split(/=(.*)/s, 2)));
    const run = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, ...env } });
    return {
      argv,
      exitCode: run.status ?? -1,
      stdout: run.stdout.toString('utf8'),
      stdoutBytes: run.stdout,
      stderr: run.stderr.toString('utf8'),
      timedOut: false,
    };
  }
}

/** A cache over a client that runs each exec with this machine's own sh and tar. */
function localSetup(): { client: LocalExecClient; container: FakeContainer; cache: ProbeCache } {
  const client = new LocalExecClient();
  const container = client.add(new FakeContainer('c1', 'c1'));
  container.info.env = [];
  return { client, container, cache: new ProbeCache(client) };
}

/** The tar the probe's script runs here: the first of TAR_PATHS that is there. */
const TAR = TAR_PATHS.find((path) => existsSync(path))!;

describe('probe of programs with the store read by tar: one exec', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustpatch-probe-'));
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.pem'), 'PEM\n');
    writeFileSync(join(dir, 'prog'), 'x');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('under a real sh and tar: the answers on stderr, the archive alone on stdout, read by the strict reader', async () => {
    const { client, container, cache } = localSetup();
    const certs = join(dir, 'certs');
    const { tar } = await cache.prefetchWithTar(
      container.info,
      '/bin/sh',
      [join(dir, 'prog'), join(dir, 'none')],
      [certs],
    );
    assert.ok(Buffer.isBuffer(tar), `an archive, not ${String(tar)}`);
    const read = await storeReadOf(tar, [certs]);
    assert.equal(read?.entries.get(join(certs, 'ca.pem'))?.content.toString(), 'PEM\n');
    assert.equal((await cache.stat('c1', join(dir, 'prog')))?.type, 'file');
    assert.equal(await cache.stat('c1', join(dir, 'none')), undefined);
    assert.equal(client.stats, 0, 'every probed path answered from the one exec');
  });

  it('under a real sh, tar and sha256sum: the inputs are hashed in the container, the digest of the archive the same tar makes of them', async () => {
    const { container, cache } = localSetup();
    const certs = join(dir, 'certs');
    const inputs = [join(dir, 'prog'), certs];
    const probed = await cache.prefetchWithTar(container.info, '/bin/sh', [], [certs], inputs);
    assert.ok(Buffer.isBuffer(probed.tar));
    const tar = spawnSync(TAR, ['-c', '-f', '-', '-C', '/', '--', ...inputs.map((p) => p.slice(1))]);
    assert.equal(tar.status, 0);
    assert.equal(probed.inputsSha256, createHash('sha256').update(tar.stdout).digest('hex'));
    // Another byte in an input: another digest.
    writeFileSync(join(dir, 'prog'), 'y');
    const changed = await cache.prefetchWithTar(container.info, '/bin/sh', [], [certs], inputs);
    assert.match(changed.inputsSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(changed.inputsSha256, probed.inputsSha256);
  });

  it('hashes nothing unless asked: not from a TRUSTPATCH_INPUTS of the container, not a path the shell would split', async () => {
    const { client, container, cache } = localSetup();
    client.containerEnv = [`TRUSTPATCH_INPUTS=${dir.slice(1)}/prog`];
    const certs = join(dir, 'certs');
    const plain = await cache.prefetchWithTar(container.info, '/bin/sh', [], [certs]);
    assert.ok(Buffer.isBuffer(plain.tar), 'the store read as before');
    assert.equal(plain.inputsSha256, undefined);
    const spaced = await cache.prefetchWithTar(container.info, '/bin/sh', [], [certs], [`${dir}/a b`]);
    assert.ok(Buffer.isBuffer(spaced.tar));
    assert.equal(spaced.inputsSha256, undefined);
  });

  it('under a real sh and tar: a missing directory is a failed tar (read through the archive API), the answers kept', async () => {
    const { client, container, cache } = localSetup();
    const { tar } = await cache.prefetchWithTar(container.info, '/bin/sh', [join(dir, 'prog')], [join(dir, 'gone')]);
    assert.equal(tar, 'failed');
    assert.equal((await cache.stat('c1', join(dir, 'prog')))?.type, 'file');
    assert.equal(client.stats, 0);
  });

  it('answers it cannot read: the separate probe runs, the store is left to its own read', async () => {
    const { client, container, cache } = setup();
    const shell = container.handler;
    container.handler = (argv, self, options) =>
      isProbeWithTar(argv)
        ? { exitCode: 0, stderr: 'f\n', stdoutBytes: Buffer.from('junk') }
        : shell(argv, self, options);
    const { tar } = await cache.prefetchWithTar(container.info, '/bin/sh', [], ['/etc/ssl/certs']);
    assert.equal(tar, undefined);
    assert.deepEqual(
      container.execs.map((argv) => [isProbeWithTar(argv), isProgramProbe(argv)]),
      [
        [true, true],
        [false, true],
      ],
    );
    assert.equal((await cache.stat('c1', '/usr/bin/curl'))?.type, 'file');
    assert.equal(client.stats, 0, 'the separate probe answered');
  });

  it('a tar other than the one the separate read would run: the answers kept, its archive not used', async () => {
    const { client, container, cache } = setup();
    container.write('/bin/tar', 'ELF');
    container.handler = (argv, self) => {
      if (!isProbeWithTar(argv)) return undefined;
      const paths = argv.slice(4, argv.indexOf(':'));
      const letter = (p: string) => (self.links.has(p) ? 'l' : self.files.has(p) ? 'f' : '-');
      return {
        exitCode: 0,
        stderr: `${paths.map((p) => `${letter(p)}\n`).join('')}/usr/bin/tar\n`,
        stdoutBytes: Buffer.from('x'),
      };
    };
    assert.equal((await cache.prefetchWithTar(container.info, '/bin/sh', [], ['/etc/ssl/certs'])).tar, undefined);
    assert.equal(container.execs.length, 1);
    assert.equal((await cache.stat('c1', '/bin/tar'))?.type, 'file');
    assert.equal(client.stats, 0);
  });

  it('the paths and directories go only as argv, never into the script', async () => {
    const { container, cache } = setup();
    container.info.env = ['PATH=/opt/$(reboot)/bin'];
    await cache.prefetchWithTar(container.info, '/bin/sh', [], ['/etc/ssl/certs']);
    const argv = container.execs.find(isProbeWithTar)!;
    assert.ok(!argv[2]!.includes('reboot') && !argv[2]!.includes('etc/ssl'));
    assert.ok(argv.includes('/opt/$(reboot)/bin/curl') && argv.at(-1) === 'etc/ssl/certs');
  });
});
