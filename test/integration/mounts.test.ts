import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { docker, execIn, removeContainers, SESSION_ID, SESSION_LABEL, testImage } from '../support/containers.js';
import { hostTree, treeDifferences } from '../support/host-tree.js';
import { caFixture } from '../support/fixture.js';

const CERTS = '/etc/ssl/certs';
const BUNDLE = `${CERTS}/ca-certificates.crt`;
const ANCHORS = '/usr/local/share/ca-certificates';
const IMAGE = testImage('debian-curl');

async function curlExit(id: string, url: string): Promise<number> {
  return (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', url])).code;
}

/** The changes `docker diff` sees in a container's own filesystem under a path. */
async function ownChanges(id: string, under: string): Promise<string[]> {
  return (await docker(['diff', id])).stdout.split('\n').filter((line) => line.slice(2).startsWith(under));
}

describe('trust stores on mounts: bind mounts, volumes, tmpfs (real engine)', function () {
  const fx = caFixture('Mounts Test Root');
  let work: string;
  const volumes: string[] = [];

  /** A temporary host copy of a path of the test image (never the machine's own /etc/ssl/certs). */
  async function copyFromImage(path: string, as: string): Promise<string> {
    const id = (await docker(['create', '--label', `${SESSION_LABEL}=${SESSION_ID}`, IMAGE, 'true'])).stdout.trim();
    try {
      await docker(['cp', `${id}:${path}`, join(work, as)]);
    } finally {
      await removeContainers([id]);
    }
    return join(work, as);
  }

  async function start(mounts: string[]): Promise<string> {
    const id = await fx.start(IMAGE, { mounts });
    return id;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'trustpatch-mounts-'));
  });
  after(async () => {
    for (const volume of volumes) await docker(['volume', 'rm', '-f', volume], { allowFailure: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a writable bind of /etc/ssl/certs: refused by default; with --through-mounts patched, named, and remove restores the host directory exactly', async () => {
    const host = await copyFromImage(CERTS, 'certs-rw');
    const id = await start([`type=bind,src=${host},dst=${CERTS}`]);
    const before = await hostTree(host);

    const refused = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(
      refused.stdout,
      new RegExp(
        `failed .*host path ${host} \\(bind, writable\\).*--through-mounts to patch it on purpose; nothing was changed`,
      ),
    );
    assert.doesNotMatch(refused.stdout + refused.stderr, /rollback|rolled back/i);
    assert.deepEqual(treeDifferences(before, await hostTree(host)), []);
    assert.deepEqual(await ownChanges(id, ANCHORS), [], 'no anchor was written in the container either');
    assert.equal(await curlExit(id, fx.server.url), 60);

    const patched = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url, '--through-mounts']);
    assert.equal(patched.code, 0, patched.stdout + patched.stderr);
    assert.match(
      patched.stdout,
      new RegExp(`changed outside the container: ${CERTS}: host path ${host} \\(bind, writable\\)`),
    );
    assert.match(patched.stdout, new RegExp(`the change lives in host path ${host}, outlives the container`));
    assert.equal(await curlExit(id, fx.server.url), 0);
    assert.notDeepEqual(treeDifferences(before, await hostTree(host)), [], 'the host directory holds the CA now');

    const status = await trustpatch(['status', id, '--json']);
    const doc = JSON.parse(status.stdout) as {
      containers: { status: string; mounts: { source: string; destination: string }[] }[];
    };
    assert.equal(doc.containers[0]!.status, 'complete');
    assert.deepEqual(
      doc.containers[0]!.mounts.map((m) => [m.destination, m.source]),
      [[CERTS, host]],
    );

    const removed = await trustpatch(['remove', fx.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.deepEqual(
      treeDifferences(before, await hostTree(host)),
      [],
      'remove restores the host directory byte for byte',
    );
    assert.equal(await curlExit(id, fx.server.url), 60);
  });

  it('a read-only bind of /etc/ssl/certs: nothing written, the reason names the mount and the next step', async () => {
    const host = await copyFromImage(CERTS, 'certs-ro');
    const id = await start([`type=bind,src=${host},dst=${CERTS},readonly`]);
    const before = await hostTree(host);
    for (const flags of [[], ['--through-mounts']]) {
      const result = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url, ...flags]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        new RegExp(
          `read-only mount \\(${CERTS}: host path ${host} \\(bind, read-only\\)\\): trust the CA on the host, in ${host}`,
        ),
      );
      assert.doesNotMatch(result.stdout + result.stderr, /Read-only file system|rollback|rolled back/i);
    }
    assert.deepEqual(treeDifferences(before, await hostTree(host)), []);
    assert.deepEqual(await ownChanges(id, ANCHORS), []);
  });

  it('a single-file read-only bind over the bundle: refused, the file unchanged', async () => {
    const file = await copyFromImage(BUNDLE, 'bundle.crt');
    const id = await start([`type=bind,src=${file},dst=${BUNDLE},readonly`]);
    const before = await hostTree(file);
    const dry = await trustpatch(['add', fx.ca.certPath, id, '--dry-run']);
    assert.match(dry.stdout, new RegExp(`trust store mount: ${BUNDLE}: host path ${file} \\(bind, read-only\\)`));
    const result = await trustpatch(['add', fx.ca.certPath, id, '--json']);
    assert.equal(result.code, 1);
    const doc = JSON.parse(result.stdout) as {
      containers: {
        status: string;
        error: string;
        rollback: string;
        mounts: { destination: string; readOnly: boolean; paths: string[] }[];
      }[];
    };
    const [container] = doc.containers;
    assert.deepEqual([container!.status, container!.rollback], ['failed', 'not-needed']);
    assert.match(container!.error, /read-only mount/);
    assert.deepEqual(
      container!.mounts.map((m) => [m.destination, m.readOnly, m.paths]),
      [[BUNDLE, true, [BUNDLE]]],
    );
    assert.deepEqual(treeDifferences(before, await hostTree(file)), []);
    assert.deepEqual(await ownChanges(id, ANCHORS), []);
  });

  it('a single-file writable bind over the bundle: refused even with --through-mounts, since the update cannot replace a mount point', async () => {
    const file = await copyFromImage(BUNDLE, 'bundle-rw.crt');
    const id = await start([`type=bind,src=${file},dst=${BUNDLE}`]);
    const before = await hostTree(file);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--through-mounts']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `${BUNDLE} is a single-file bind .*add the CA to ${file} itself, or bind its directory instead; nothing was changed`,
      ),
    );
    assert.doesNotMatch(result.stdout + result.stderr, /mv: cannot move|rollback|rolled back/i);
    assert.deepEqual(treeDifferences(before, await hostTree(file)), []);
    assert.deepEqual(await ownChanges(id, ANCHORS), []);
  });

  it('a named volume shared by three containers: patched once, two covered, all trust the fx.server, remove through a covered one undoes it for all', async () => {
    const volume = `trustpatch-test-${SESSION_ID}-certs`;
    await docker(['volume', 'create', '--label', `${SESSION_LABEL}=${SESSION_ID}`, volume]);
    volumes.push(volume);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await start([`type=volume,src=${volume},dst=${CERTS}`]));
    const mountpoint = (await docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume])).stdout.trim();
    const before = await hostTree(mountpoint);

    const refused = await trustpatch(['add', fx.ca.certPath, ...ids]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /volume trustpatch-test-\S+ \(volume, writable\), also mounted by /);
    assert.deepEqual(treeDifferences(before, await hostTree(mountpoint)), []);

    const added = await trustpatch([
      'add',
      fx.ca.certPath,
      ...ids,
      '--check-url',
      fx.server.url,
      '--through-mounts',
      '--json',
    ]);
    assert.equal(added.code, 0, added.stdout + added.stderr);
    const doc = JSON.parse(added.stdout) as {
      containers: {
        id: string;
        status: string;
        coveredBy: string | null;
        check: { after: { ok: boolean; tool: string | null } | null };
      }[];
      summary: Record<string, number>;
    };
    assert.deepEqual(doc.containers.map((c) => c.status).sort(), ['covered', 'covered', 'patched'], added.stdout);
    assert.deepEqual([doc.summary.patched, doc.summary.covered], [1, 2]);
    const leader = doc.containers.find((c) => c.status === 'patched')!;
    for (const c of doc.containers.filter((c) => c.status === 'covered'))
      assert.deepEqual(
        [c.check.after?.ok, c.check.after?.tool],
        [true, 'curl'],
        'the covered container was checked with curl',
      );
    const updates = await Promise.all(ids.map(async (id) => (await ownChanges(id, ANCHORS)).length > 0));
    assert.deepEqual(updates.filter(Boolean).length, 1, 'only the leader holds an anchor: the store was patched once');
    for (const id of ids) assert.equal(await curlExit(id, fx.server.url), 0, `curl trusts the server in ${id}`);

    const through = doc.containers.find((c) => c.status === 'covered')!.id;
    assert.notEqual(through, leader.id);
    const removed = await trustpatch(['remove', fx.ca.certPath, through]);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.deepEqual(treeDifferences(before, await hostTree(mountpoint)), [], 'the volume is byte for byte as before');
    for (const id of ids)
      assert.equal(await curlExit(id, fx.server.url), 60, `curl no longer trusts the server in ${id}`);
    const status = JSON.parse((await trustpatch(['status', ...ids, '--json'])).stdout) as {
      containers: { status: string }[];
    };
    assert.deepEqual(
      status.containers.map((c) => c.status),
      ['clean', 'clean', 'clean'],
    );

    // Again, and this time removed from all three in one run: the store is undone once, through its leader.
    const again = await trustpatch(['add', fx.ca.certPath, ...ids, '--through-mounts']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const all = await trustpatch(['remove', fx.ca.certPath, ...ids]);
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.deepEqual(treeDifferences(before, await hostTree(mountpoint)), [], 'the volume is byte for byte as before');
    const clean = JSON.parse((await trustpatch(['status', ...ids, '--json'])).stdout) as {
      containers: { status: string }[];
    };
    assert.deepEqual(
      clean.containers.map((c) => c.status),
      ['clean', 'clean', 'clean'],
    );
  });

  it('a mount only over the anchor directory: refused by default; patched with the flag, and remove empties it again', async () => {
    const host = await copyFromImage(ANCHORS, 'anchors');
    const id = await start([`type=bind,src=${host},dst=${ANCHORS}`]);
    const before = await hostTree(host);
    const refused = await trustpatch(['add', fx.ca.certPath, id]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, new RegExp(`${ANCHORS}: host path ${host} \\(bind, writable\\)`));
    assert.deepEqual(treeDifferences(before, await hostTree(host)), []);
    const patched = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url, '--through-mounts']);
    assert.equal(patched.code, 0, patched.stdout + patched.stderr);
    assert.match(patched.stdout, new RegExp(`changed outside the container: ${ANCHORS}: host path ${host}`));
    assert.equal(await curlExit(id, fx.server.url), 0);
    await trustpatch(['remove', fx.ca.certPath, id]);
    assert.deepEqual(treeDifferences(before, await hostTree(host)), []);
  });

  it('a tmpfs over /etc/ssl/certs: said in the report, nothing written beneath it', async () => {
    const id = await start([`type=tmpfs,dst=${CERTS}`]);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--through-mounts']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /tmpfs \(\/etc\/ssl\/certs: tmpfs \(tmpfs, writable\)\).*moby\/moby#22020/);
    assert.deepEqual(await ownChanges(id, '/etc/ssl'), []);
    assert.deepEqual(await ownChanges(id, ANCHORS), []);
  });
});
