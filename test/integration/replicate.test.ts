import assert from 'node:assert/strict';
import { runJson, trustpatch } from '../support/cli.js';
import { execIn, SESSION_ID, testImage } from '../support/containers.js';
import { caFixture } from '../support/fixture.js';
import { opensslFingerprint } from '../support/pki.js';
import type { RemoveDoc } from '../support/json-docs.js';
import { addJson, bundleFingerprints, copyOut, occurrences, type JsonContainer } from '../support/trust-checks.js';
import { DEBIAN_BUNDLE, DEBIAN_STORE, snapshotStore, storeDifferences } from '../support/trust-store.js';

async function curlExit(id: string, url: string): Promise<number> {
  return (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', url])).code;
}

describe('replicated updates: a fleet of one image runs the update once, and each copy is what the update makes', function () {
  const fx = caFixture('Replica Root CA');
  this.timeout(600_000);
  const label = `trustpatch.replicate=${SESSION_ID}`;
  const same: string[] = [];
  let extra = '';
  let hooked = '';
  let control = '';
  let fingerprint = '';
  let rows = new Map<string, JsonContainer>();

  before(async () => {
    fingerprint = await opensslFingerprint(fx.ca.certPath);
    const labels = { 'trustpatch.replicate': SESSION_ID };
    for (let i = 0; i < 4; i += 1) same.push(await fx.start(testImage('debian-curl'), { labels }));
    // The same image, other inputs: a local certificate the update has not seen yet, or a hook the update would run.
    const changed = async (script: string) => {
      const id = await fx.start(testImage('debian-curl'), { labels });
      const run = await execIn(id, ['sh', '-c', script]);
      assert.equal(run.code, 0, run.stderr);
      return id;
    };
    extra = await changed(
      'cp "$(ls /usr/share/ca-certificates/mozilla/*.crt | head -n 1)" /usr/local/share/ca-certificates/extra-local.crt',
    );
    hooked = await changed(
      'printf "#!/bin/sh\\ncat > /tmp/hook-input\\n" > /etc/ca-certificates/update.d/record && chmod 755 /etc/ca-certificates/update.d/record',
    );
    control = await fx.start(testImage('debian-curl'));
  });

  it('writes the leader update output into the others; each is trusted and holds the CA once', async () => {
    for (const id of same) assert.equal(await curlExit(id, fx.server.url), 60);
    const run = await addJson([fx.ca.certPath, '--label', label, '--check-url', fx.server.url, '-j', '4']);
    assert.equal(run.code, 0, run.output);
    rows = new Map(run.containers.map((c) => [c.id, c]));
    const fleet = same.map((id) => rows.get(id)!);
    for (const row of fleet) {
      assert.equal(row.status, 'patched', run.output);
      assert.equal(row.method, 'update-command');
      assert.equal(row.check.after?.ok, true, run.output);
    }
    const leaders = fleet.filter((row) => row.replicatedFrom === null);
    assert.equal(leaders.length, 1, `one container runs the update: ${run.output}`);
    for (const row of fleet.filter((r) => r !== leaders[0])) assert.equal(row.replicatedFrom, leaders[0]!.name);
    for (const id of same) {
      assert.equal(await curlExit(id, fx.server.url), 0, 'curl inside trusts the server');
      assert.equal(occurrences(await bundleFingerprints((await copyOut(id, DEBIAN_BUNDLE))!), fingerprint), 1);
    }
  });

  it('runs the update itself where the inputs differ: another local certificate, a hook', async () => {
    for (const id of [extra, hooked]) {
      const row = rows.get(id)!;
      assert.equal(row.status, 'patched');
      assert.equal(row.replicatedFrom, null, JSON.stringify(row));
      assert.equal(await curlExit(id, fx.server.url), 0);
    }
    // The update took the other local certificate into the bundle, and the hook ran, fed the added certificates.
    const bundle = await bundleFingerprints((await copyOut(extra, DEBIAN_BUNDLE))!);
    const local = await bundleFingerprints((await copyOut(extra, '/usr/local/share/ca-certificates/extra-local.crt'))!);
    assert.equal(occurrences(bundle, local[0]!), 2, 'the packaged certificate and its local copy');
    const fed = await execIn(hooked, ['cat', '/tmp/hook-input']);
    assert.equal(fed.code, 0, 'the hook ran');
    assert.match(fed.stdout, /^\+\/etc\/ssl\/certs\/Replica_Root_CA-[0-9a-f]{8}\.pem$/m);
  });

  it('leaves a replicated store exactly as the update makes it (compared with --no-replicate)', async () => {
    const alone = await addJson([fx.ca.certPath, control, '--check-url', fx.server.url, '--no-replicate']);
    assert.equal(alone.containers[0]?.status, 'patched', alone.output);
    const follower = same.find((id) => rows.get(id)!.replicatedFrom !== null)!;
    assert.deepEqual(
      storeDifferences(await snapshotStore(control, DEBIAN_STORE), await snapshotStore(follower, DEBIAN_STORE)),
      [],
    );
  });

  it('shows the leader in the table, and a remove on a follower puts its store back byte for byte', async () => {
    const follower = same.find((id) => rows.get(id)!.replicatedFrom !== null)!;
    const pristine = await fx.start(testImage('debian-curl'));
    const removed = await runJson<RemoveDoc>(['remove', fx.ca.certPath, follower]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(removed.doc.containers[0]?.status, 'removed', removed.output);
    assert.deepEqual(
      storeDifferences(await snapshotStore(pristine, DEBIAN_STORE), await snapshotStore(follower, DEBIAN_STORE)),
      [],
    );
    assert.equal(await curlExit(follower, fx.server.url), 60);
    // Two fresh containers of the image: the table names the one the other's update came from.
    const pair = [await fx.start(testImage('debian-curl')), await fx.start(testImage('debian-curl'))];
    const table = await trustpatch(['add', fx.ca.certPath, ...pair, '--check-url', fx.server.url]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /replicated from \S+/);
  });
});
