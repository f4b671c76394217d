import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trustpatch } from '../support/cli.js';
import { docker, execIn, removeContainers, SESSION_ID, SESSION_LABEL, testImage } from '../support/containers.js';
import { DEBIAN_BUNDLE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

const run = promisify(execFile);

/**
 * A full disk inside the container: a small tmpfs on the host, bind-mounted over a trust store
 * directory and filled to the brim, so that the engine's write fails half-way with ENOSPC
 * (a bind mount: the engine writes into it; into a `--mount type=tmpfs` it writes beneath the
 * mount, where nothing sees the file). The container must end exactly as before.
 */
describe('faults: the disk inside the container is full', function () {
  const fx = caFixture('Disk Full Root');
  this.timeout(600_000);
  let dir: string;
  const mounts: string[] = [];
  const started: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-full-'));
  });
  after(async () => {
    await removeContainers(started);
    for (const mount of mounts) await run('umount', [mount]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A debian-curl container with a `size` tmpfs from the host over `target`. */
  async function withSmallDisk(target: string, size: string): Promise<string> {
    const source = join(dir, `disk-${mounts.length}`);
    await mkdir(source);
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', source]);
    mounts.push(source);
    const args = [
      'run',
      '-d',
      '--label',
      `${SESSION_LABEL}=${SESSION_ID}`,
      '--network',
      'host',
      '-v',
      `${source}:${target}`,
      testImage('debian-curl'),
      'sleep',
      '2147483647',
    ];
    const id = (await docker(args)).stdout.trim();
    started.push(id);
    return id;
  }

  async function fill(id: string, where: string): Promise<void> {
    const filled = await execIn(id, ['dd', 'if=/dev/zero', `of=${where}/.filler`, 'bs=4096']);
    assert.match(filled.stderr, /No space left on device/, 'the disk is full to the brim');
  }

  async function patchAndCompare(id: string, extra: string[] = []): Promise<void> {
    const before = await snapshotStore(id);
    const bundle = await fileBytes(id, DEBIAN_BUNDLE);
    // The small disk is a bind mount of the host's: add writes through it only when asked to (docs/mounted-stores.md).
    const result = await trustpatch([
      'add',
      fx.ca.certPath,
      id,
      '--check-url',
      fx.server.url,
      '--json',
      '--through-mounts',
      ...extra,
    ]);
    assert.equal(result.code, 1, result.stderr);
    const row = JSON.parse(result.stdout).containers[0];
    assert.equal(row.status, 'failed');
    assert.match(row.error, /no space left on device/i);
    assert.equal(row.rollback, 'done', row.warnings.join('\n'));
    assert.ok((await fileBytes(id, DEBIAN_BUNDLE))!.equals(bundle!), 'the bundle is byte-identical to the snapshot');
    assert.deepEqual(
      storeDifferences(before, await snapshotStore(id)),
      [],
      'every entry of the trust store is as before',
    );
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 60);
  }

  it('the anchor directory is full: the anchor write fails, the seeded bundle is restored', async () => {
    const id = await withSmallDisk('/usr/local/share/ca-certificates', '64k');
    await fill(id, '/usr/local/share/ca-certificates');
    await patchAndCompare(id);
  });

  /** A container whose /etc/ssl/certs is a full 1 MB disk, built again inside as the package does (the mount hides the image's). */
  async function fullBundleDisk(): Promise<string> {
    const id = await withSmallDisk('/etc/ssl/certs', '1m');
    const built = await execIn(id, ['update-ca-certificates', '--fresh']);
    assert.equal(built.code, 0, built.stderr);
    await fill(id, '/etc/ssl/certs');
    return id;
  }

  it('the bundle directory is full, trustpatch writes the bundle (no update command): the write fails half-way, the bundle is restored byte for byte', async () => {
    const id = await fullBundleDisk();
    assert.equal(
      (await execIn(id, ['mv', '/usr/sbin/update-ca-certificates', '/root/update-ca-certificates'])).code,
      0,
    );
    await patchAndCompare(id, ['--install', 'never']);
  });

  it('the bundle directory is full, the update command writes the bundle: it fails, rolled back exactly', async () => {
    await patchAndCompare(await fullBundleDisk());
  });
});
