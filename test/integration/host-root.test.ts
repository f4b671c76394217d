import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runStatus } from '../../src/commands/status/run.js';
import { hostTrusts } from '../../src/host/host-trusts.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { trustpatch } from '../support/cli.js';
import { openssl, opensslFingerprint } from '../support/pki.js';
import { caFixture } from '../support/fixture.js';
import {
  exportedTree,
  machineTrustStore,
  snapshotDifferences,
  treeSnapshot,
  unpackedTree,
} from '../support/root-trees.js';

const run = promisify(execFile);

/** Runs a program inside the tree, as a user of it would (not through trustpatch's code). */
async function inTree(root: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('chroot', [root, ...argv], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : -1,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

/** How often the CA's fingerprint occurs in a PEM bundle, by openssl's reading of each block. */
async function occurrences(bundlePath: string, fingerprint: string, dir: string): Promise<number> {
  const text = await readFile(bundlePath, 'latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  let count = 0;
  for (const [index, block] of blocks.entries()) {
    const file = join(dir, `block-${index}.pem`);
    await writeFile(file, block);
    if ((await opensslFingerprint(file)) === fingerprint) count += 1;
  }
  return count;
}

describe('host --root DIR on real root filesystems (never on this machine)', function () {
  const fx = caFixture('Host Root Test CA');
  this.timeout(300_000);
  let fingerprint: string;
  let machineBefore: string;
  const trees: string[] = [];

  before(async () => {
    // The rule these tests live by: this machine's own trust store never changes.
    machineBefore = await machineTrustStore();
    fingerprint = await opensslFingerprint(fx.ca.certPath);
  });
  after(async () => {
    for (const tree of trees) await rm(tree, { recursive: true, force: true });
    assert.equal(await machineTrustStore(), machineBefore, "this machine's trust store changed during the host tests");
  });

  async function tree(make: () => Promise<string>): Promise<string> {
    const dir = await make();
    trees.push(dir);
    return dir;
  }

  async function hostJson(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
    const result = await trustpatch(['host', ...args, '--json']);
    return {
      code: result.code,
      json: result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout),
      stderr: result.stderr,
    };
  }

  it('Debian (debootstrapped debian-curl, exported): update-ca-certificates runs inside the tree, curl there trusts the CA, remove restores every byte', async () => {
    const root = await tree(() => exportedTree('debian-curl'));
    const before = await treeSnapshot(root);
    assert.notEqual(
      (await inTree(root, ['curl', '-sS', fx.server.url])).code,
      0,
      'curl in the tree trusts the CA before the patch',
    );
    assert.equal(await hostTrusts({ fingerprint }, root), false);
    const untrusted = await trustpatch(['host', 'status', fx.ca.certPath, '--root', root]);
    assert.equal(untrusted.code, 1);
    assert.match(
      untrusted.stdout,
      new RegExp(
        `${root} does not trust ${fx.ca.certPath}: not in /etc/ssl/certs/ca-certificates.crt; no anchor in /usr/local/share/ca-certificates holds it`,
      ),
    );

    const added = await hostJson(['add', fx.ca.certPath, '--root', root, '--check-url', fx.server.url]);
    assert.equal(added.code, 0, added.stderr);
    const result = added.json.containers[0];
    assert.deepEqual([result.status, result.family, result.method], ['patched', 'debian', 'update-command']);

    // What update-ca-certificates makes, seen from outside: the anchor, its link, the hash link, the bundle.
    const anchors = (await readdir(join(root, 'usr/local/share/ca-certificates'))).filter((n) => n.endsWith('.crt'));
    assert.equal(anchors.length, 1);
    assert.equal(await readFile(join(root, 'usr/local/share/ca-certificates', anchors[0]!), 'utf8'), fx.ca.pem);
    const hash = (await openssl(['x509', '-in', fx.ca.certPath, '-noout', '-subject_hash'])).trim();
    const pemLink = anchors[0]!.replace(/\.crt$/, '.pem');
    assert.equal(await readlink(join(root, 'etc/ssl/certs', `${hash}.0`)), pemLink);
    assert.equal(
      await readlink(join(root, 'etc/ssl/certs', pemLink)),
      `/usr/local/share/ca-certificates/${anchors[0]}`,
    );
    assert.equal(await occurrences(join(root, 'etc/ssl/certs/ca-certificates.crt'), fingerprint, fx.ca.dir), 1);
    assert.ok((await stat(join(root, 'var/lib/trustpatch/manifest.json'))).isFile(), 'the record is in the tree');
    assert.equal(
      (await inTree(root, ['curl', '-sS', fx.server.url])).code,
      0,
      'curl in the tree does not trust the CA after the patch',
    );
    assert.equal(await hostTrusts({ fingerprint }, root), true);

    const again = await treeSnapshot(root);
    const second = await hostJson(['add', fx.ca.certPath, '--root', root]);
    assert.equal(second.json.containers[0].status, 'already-trusted');
    assert.deepEqual(snapshotDifferences(again, await treeSnapshot(root)), [], 'a second add changed the tree');

    const status = await trustpatch(['host', 'status', fx.ca.certPath, '--root', root]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /complete/);
    assert.match(status.stdout, new RegExp(`${root} trusts ${fx.ca.certPath}`));

    const removed = await hostJson(['remove', fx.ca.certPath, '--root', root]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.json.containers[0].status, 'removed');
    assert.deepEqual(snapshotDifferences(before, await treeSnapshot(root)), [], 'the tree is not as before');
    assert.notEqual(
      (await inTree(root, ['curl', '-sS', fx.server.url])).code,
      0,
      'curl in the tree still trusts the CA',
    );

    // An update command that fails half-way: the add fails and the tree is put back as it was.
    const update = join(root, 'usr/sbin/update-ca-certificates');
    const real = await readFile(update);
    await writeFile(update, '#!/bin/sh\necho "simulated failure" >&2\nexit 3\n');
    try {
      const broken = await treeSnapshot(root);
      const failed = await hostJson(['add', fx.ca.certPath, '--root', root]);
      assert.equal(failed.code, 1);
      assert.deepEqual([failed.json.containers[0].status, failed.json.containers[0].rollback], ['failed', 'done']);
      assert.match(failed.json.containers[0].error, /update-ca-certificates.* exited with 3: simulated failure/);
      assert.deepEqual(
        snapshotDifferences(broken, await treeSnapshot(root)),
        [],
        'the rollback did not restore the tree',
      );
    } finally {
      await writeFile(update, real);
    }
  });

  it('Debian without ca-certificates (debian-min): the archive-only path creates the bundle, remove takes it away again', async () => {
    const root = await tree(() => exportedTree('debian-min'));
    const before = await treeSnapshot(root);
    const added = await hostJson(['add', fx.ca.certPath, '--root', root]);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual([added.json.containers[0].status, added.json.containers[0].method], ['patched', 'archive-only']);
    assert.equal(await occurrences(join(root, 'etc/ssl/certs/ca-certificates.crt'), fingerprint, fx.ca.dir), 1);
    assert.equal(await hostTrusts({ fingerprint }, root), true);
    const removed = await hostJson(['remove', fx.ca.certPath, '--root', root]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(snapshotDifferences(before, await treeSnapshot(root)), []);
  });

  it('Alpine 3.20 minirootfs (no update-ca-certificates): archive-only, both bundles hold the CA, busybox wget there trusts it; remove restores every byte', async () => {
    const root = await tree(() => unpackedTree('alpine-3.20.3-x86_64.tar.gz'));
    const before = await treeSnapshot(root);
    const wget = () => inTree(root, ['/usr/bin/wget', '-q', '-O', '-', fx.server.url]);
    assert.notEqual((await wget()).code, 0);
    const added = await hostJson(['add', fx.ca.certPath, '--root', root]);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(
      [added.json.containers[0].status, added.json.containers[0].family, added.json.containers[0].method],
      ['patched', 'alpine', 'archive-only'],
    );
    assert.equal(await occurrences(join(root, 'etc/ssl/certs/ca-certificates.crt'), fingerprint, fx.ca.dir), 1);
    assert.equal(await readlink(join(root, 'etc/ssl/cert.pem')), 'certs/ca-certificates.crt');
    const check = await wget();
    assert.equal(check.code, 0, check.stderr);
    const removed = await hostJson(['remove', fx.ca.certPath, '--root', root]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(snapshotDifferences(before, await treeSnapshot(root)), []);
    assert.notEqual((await wget()).code, 0);
  });

  it('BusyBox (no os-release, no bundle): a bundle holding only the CA is created and removed again', async () => {
    const root = await tree(() => unpackedTree('busybox-1.38.0-glibc-amd64.tar.gz'));
    const before = await treeSnapshot(root);
    const added = await hostJson(['add', fx.ca.certPath, '--root', root]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.json.containers[0].method, 'archive-only');
    assert.ok(
      added.json.containers[0].warnings.some((w: string) => /created .* holding only this CA/.test(w)),
      JSON.stringify(added.json.containers[0].warnings),
    );
    const status = await trustpatch(['host', 'status', '--root', root]);
    assert.match(status.stdout, /complete/);
    const removed = await hostJson(['remove', fingerprint, '--root', root]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(snapshotDifferences(before, await treeSnapshot(root)), []);
  });
  it("status on a container that bind-mounts the tree's /etc/ssl/certs read-only says the tree trusts the CA (host add); curl inside trusts the server", async () => {
    const root = await tree(() => exportedTree('debian-curl'));
    const added = await hostJson(['add', fx.ca.certPath, '--root', root]);
    assert.equal(added.code, 0, added.stderr);
    const id = await startContainer(testImage('debian-curl'), {
      mounts: [`type=bind,src=${join(root, 'etc/ssl/certs')},dst=/etc/ssl/certs,readonly`],
    });
    try {
      assert.equal(
        (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code,
        0,
        'the host store the container mounts trusts the server',
      );
      const report = await runStatus({
        selector: { names: [id], labels: [], filters: [], all: false },
        hostRoot: root,
      });
      const note = report.results[0]!.hostStore;
      assert.deepEqual(note?.sources, [join(root, 'etc/ssl/certs')], JSON.stringify(report.results[0]));
      assert.deepEqual(
        note?.trusted.map((c) => c.fingerprint),
        [fingerprint],
      );
      assert.deepEqual(note?.notTrusted, []);
      // The machine itself (root /) is not the tree: nothing is claimed for it.
      const plain = await runStatus({ selector: { names: [id], labels: [], filters: [], all: false } });
      assert.equal(plain.results[0]!.hostStore, undefined);
    } finally {
      await removeContainers([id]);
    }
  });
});
