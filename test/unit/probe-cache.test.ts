import assert from 'node:assert/strict';
import type { PathStat } from '../../src/docker/container-client.js';
import { isProgramProbe, ProbeCache } from '../../src/patch/probe-cache.js';
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

  it('never answers for a link, nor for a path it did not probe (the write guard asks the engine)', async () => {
    const { client, container, cache } = setup();
    await cache.prefetch(container.info, '/bin/sh', []);
    assert.equal((await cache.stat('c1', '/usr/bin/python3'))?.type, 'symlink');
    assert.equal(await cache.stat('c1', '/etc/ssl/certs'), undefined);
    assert.equal(client.stats, 2);
  });

  it('forgets everything after a command that may change the container or a write, keeps it after a read', async () => {
    const { client, container, cache } = setup();
    await cache.prefetch(container.info, '/bin/sh', []);
    await cache.exec('c1', ['/bin/tar', '-c'], { readsOnly: true });
    await cache.stat('c1', '/usr/bin/curl');
    assert.equal(client.stats, 0);
    await cache.exec('c1', ['/usr/bin/apt-get', 'install']);
    container.write('/usr/bin/wget', 'ELF');
    assert.equal((await cache.stat('c1', '/usr/bin/wget'))?.type, 'file', 'a program an install brought is found');
    await cache.prefetch(container.info, '/bin/sh', []);
    await cache.putFiles('c1', [{ path: '/etc/ssl/certs/x.pem', content: 'x' }]);
    await cache.stat('c1', '/usr/bin/curl');
    assert.equal(client.stats, 2);
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
