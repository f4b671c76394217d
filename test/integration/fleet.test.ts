import assert from 'node:assert/strict';
import { startTrustpatch, trustpatch, waitFor } from '../support/cli.js';
import { docker, execIn, removeContainers, SESSION_ID, startContainer, testImage } from '../support/containers.js';
import { caFixture } from '../support/fixture.js';

const HEALTHY = 16;

describe('fleet: 20 containers picked by label, a few built to fail', function () {
  const fx = caFixture('Fleet Root CA');
  this.timeout(900_000);
  const fleetLabel = `trustpatch.fleet=${SESSION_ID}`;
  const healthy: string[] = [];
  const readOnly: string[] = [];
  let stopped = '';
  let victim = '';

  before(async () => {
    const labels = { 'trustpatch.fleet': SESSION_ID };
    for (let i = 0; i < HEALTHY; i += 1)
      healthy.push(await startContainer(testImage('debian-curl'), { labels, name: `tp-fleet-${SESSION_ID}-${i}` }));
    for (let i = 0; i < 2; i += 1)
      readOnly.push(await startContainer(testImage('debian-curl'), { labels, readOnly: true }));
    stopped = await startContainer(testImage('debian-curl'), { labels, command: ['true'] });
    await docker(['wait', stopped]);
    // The victim's update command announces itself and then waits, so the test can kill the
    // container while trustpatch is in the middle of patching it.
    victim = await startContainer(testImage('debian-curl'), { labels });
    await execIn(victim, ['mv', '/usr/sbin/update-ca-certificates', '/usr/sbin/update-ca-certificates.real']);
    await execIn(victim, [
      'sh',
      '-c',
      'printf "#!/bin/sh\\ntouch /tmp/update-started\\nsleep 120\\nexec /usr/sbin/update-ca-certificates.real\\n" > /usr/sbin/update-ca-certificates && chmod 755 /usr/sbin/update-ca-certificates',
    ]);
  });
  after(async () => {
    await removeContainers([...healthy, ...readOnly, stopped, victim].filter(Boolean));
  });

  it('patches the healthy ones, reports the others, and exits 1', async () => {
    for (const id of healthy.slice(0, 3))
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 60);
    const run = startTrustpatch([
      'add',
      fx.ca.certPath,
      '--label',
      fleetLabel,
      '--check-url',
      fx.server.url,
      '--json',
      '--concurrency',
      '6',
    ]);
    await waitFor(
      'the victim to start its update',
      async () => (await execIn(victim, ['test', '-e', '/tmp/update-started'])).code === 0,
      300_000,
    );
    await docker(['kill', victim]);
    const result = await run.done;
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stdout, /\x1b\[/, 'no escape codes in piped output');
    const document = JSON.parse(result.stdout);
    assert.equal(document.schemaVersion, 1);
    assert.equal(document.command, 'add');
    const byId = new Map<
      string,
      {
        status: string;
        error: string | null;
        check: { before: { ok: boolean } | null; after: { ok: boolean; tool: string } | null };
      }
    >(document.containers.map((c: { id: string }) => [c.id, c]));
    assert.equal(byId.size, 20);
    for (const id of healthy) {
      const row = byId.get(id)!;
      assert.equal(row.status, 'patched', JSON.stringify(row));
      assert.equal(row.check.before?.ok, false);
      assert.equal(row.check.after?.ok, true);
      assert.equal(row.check.after?.tool, 'curl');
    }
    for (const id of readOnly) {
      assert.equal(byId.get(id)!.status, 'failed');
      assert.match(byId.get(id)!.error!, /read-only root filesystem/);
    }
    assert.equal(byId.get(stopped)!.status, 'skipped');
    assert.match(byId.get(stopped)!.error!, /container is exited/);
    assert.equal(byId.get(victim)!.status, 'failed');
    assert.deepEqual(
      {
        patched: document.summary.patched,
        skipped: document.summary.skipped,
        failed: document.summary.failed,
        total: document.summary.total,
        exitCode: document.summary.exitCode,
      },
      { patched: HEALTHY, skipped: 1, failed: 3, total: 20, exitCode: 1 },
    );
    // What a user observes: curl inside every healthy container now trusts the server; the
    // read-only ones are unchanged.
    for (const id of healthy)
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0, `curl in ${id}`);
    for (const id of readOnly)
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 60);
  });

  it('a second run finds the healthy ones already trusted and changes nothing', async () => {
    const bundle = async (id: string) => (await execIn(id, ['sha256sum', '/etc/ssl/certs/ca-certificates.crt'])).stdout;
    const before = await Promise.all(healthy.map(bundle));
    const result = await trustpatch(['add', fx.ca.certPath, ...healthy, '--check-url', fx.server.url]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`0 patched, ${HEALTHY} already trusted, 0 skipped, 0 failed`));
    assert.deepEqual(await Promise.all(healthy.map(bundle)), before);
  });

  it('trustpatch check reports every selected container, with the same selectors', async () => {
    const result = await trustpatch(['check', '--label', fleetLabel, '--check-url', fx.server.url, '--json']);
    const document = JSON.parse(result.stdout);
    const statuses = new Map<string, string>(
      document.containers.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
    for (const id of healthy) assert.equal(statuses.get(id), 'trusted');
    for (const id of readOnly) assert.equal(statuses.get(id), 'untrusted');
    assert.equal(statuses.get(stopped), 'skipped');
    assert.equal(result.code, 1, 'untrusted containers make check exit 1');
  });

  it('a selector that matches nothing exits 2 and shows the selector', async () => {
    const result = await trustpatch([
      'add',
      fx.ca.certPath,
      '--label',
      `trustpatch.fleet=${SESSION_ID}-none`,
      '--no-check',
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`no container matches --label trustpatch.fleet=${SESSION_ID}-none`));
  });
});
