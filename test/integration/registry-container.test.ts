import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { docker, execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { opensslPublicKey } from '../support/registry-pki.js';
import { caFixture } from '../support/fixture.js';
import { snapshotStore, storeDifferences } from '../support/trust-store.js';

/**
 * `registry add --container`: the files a Docker-in-Docker engine would read, written through
 * the archive API into a real container and checked from inside it with `docker exec`.
 */
describe('registry add --container: certs.d inside a running container', function () {
  const fx = caFixture('DinD Registry CA', { server: false });
  let work: string;
  let id: string;

  before(async function () {
    this.timeout(120_000);
    work = await mkdtemp(join(tmpdir(), 'trustpatch-registry-dind-'));
    const made = await trustpatch([
      'registry',
      'client-cert',
      '--ca-cert',
      fx.ca.certPath,
      '--ca-key',
      fx.ca.keyPath,
      '--cn',
      'dind',
      '-o',
      work,
    ]);
    assert.equal(made.code, 0, made.stderr);
    id = await startContainer(testImage('debian-min'));
  });
  after(async () => {
    await removeContainers([id].filter(Boolean));
    await rm(work, { recursive: true, force: true });
  });

  it('writes ca.crt 0644, client.cert 0644 and client.key 0600 (root) under /etc/docker/certs.d/<host>, :443 dropped', async () => {
    const added = await trustpatch([
      'registry',
      'add',
      'registry.corp.test:443',
      '--container',
      id,
      '--ca',
      fx.ca.certPath,
      '--client-cert',
      join(work, 'client.cert'),
      '--client-key',
      join(work, 'client.key'),
    ]);
    assert.equal(added.code, 0, added.stderr);
    const dir = '/etc/docker/certs.d/registry.corp.test';
    const listing = await execIn(id, [
      'stat',
      '-c',
      '%n %a %U',
      `${dir}/ca.crt`,
      `${dir}/client.cert`,
      `${dir}/client.key`,
      dir,
    ]);
    assert.equal(listing.code, 0, listing.stderr);
    assert.deepEqual(listing.stdout.trim().split('\n'), [
      `${dir}/ca.crt 644 root`,
      `${dir}/client.cert 644 root`,
      `${dir}/client.key 600 root`,
      `${dir} 755 root`,
    ]);
    // Read back through `docker cp`, a channel independent of trustpatch's archive code.
    await docker(['cp', `${id}:${dir}/ca.crt`, join(work, 'from-container.crt')]);
    await docker(['cp', `${id}:${dir}/client.key`, join(work, 'from-container.key')]);
    assert.equal(await opensslFingerprint(join(work, 'from-container.crt')), await opensslFingerprint(fx.ca.certPath));
    assert.equal(
      await opensslPublicKey(join(work, 'from-container.key'), 'key'),
      await opensslPublicKey(join(work, 'client.cert'), 'cert'),
    );
  });

  it('a second run changes nothing: every file skipped', async () => {
    const dir = '/etc/docker/certs.d/registry.corp.test';
    const files = [`${dir}/ca.crt`, `${dir}/client.cert`, `${dir}/client.key`, dir];
    const modes = async () => (await execIn(id, ['stat', '-c', '%n %a %U %y', ...files])).stdout;
    const before = await snapshotStore(id, ['/etc/docker/certs.d']);
    const modesBefore = await modes();
    const again = await trustpatch([
      'registry',
      'add',
      'registry.corp.test',
      '--container',
      id,
      '--ca',
      fx.ca.certPath,
      '--client-cert',
      join(work, 'client.cert'),
      '--client-key',
      join(work, 'client.key'),
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/^skipped /gm) ?? []).length, 3, again.stdout);
    // The certs.d tree byte for byte, and each file's mode, owner and modification time.
    const after = await snapshotStore(id, ['/etc/docker/certs.d']);
    assert.equal(after.size, before.size);
    assert.deepEqual(storeDifferences(before, after), []);
    assert.equal(await modes(), modesBefore);
  });
});
