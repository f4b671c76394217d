import assert from 'node:assert/strict';
import { runAdd } from '../../src/commands/add/run.js';
import { connectEngines } from '../../src/docker/connect.js';
import type { ContainerResult } from '../../src/types.js';
import { docker, execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { FaultClient } from '../support/fault-client.js';
import { DEBIAN_BUNDLE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

type Fault = 'kill' | 'pause' | 'remove';

/** The paths a rollback warning says are left, as trustpatch names them. */
function namedLeftovers(warnings: readonly string[]): string[] {
  const line = warnings.find((w) => w.includes('the trust store still differs from before: '));
  const list = line?.match(/still differs from before: (.*) \(run trustpatch add again/)?.[1];
  return list === undefined ? [] : list.split(', ');
}

const selector = (names: string[]) => ({ names, labels: [], filters: [], all: false });
const failed = (result: ContainerResult | undefined) =>
  result?.status === 'failed' ? result : assert.fail(`expected failed: ${JSON.stringify(result)}`);

/**
 * Kill, pause or remove a container between two steps of its patch, deterministically (at the
 * first engine call of a step), then compare its trust store with the snapshot taken before:
 * the bundle byte for byte always, every entry of /etc/ssl and the anchor directory when the
 * report says the rollback is done, and exactly the entries the report names otherwise.
 */
describe('faults between two steps: killed, paused, removed', function () {
  const fx = caFixture('Steps Fault Root');
  this.timeout(600_000);
  const started: string[] = [];
  after(async () => {
    await removeContainers(started);
  });

  const act = (fault: Fault, id: string) => async () => {
    await docker(fault === 'kill' ? ['kill', id] : fault === 'pause' ? ['pause', id] : ['rm', '-f', id]);
  };

  // debian-curl has its update command: nothing is written before the anchor ("writing
  // certificate"), the update rebuilds the bundle, and the record is written once all is verified.
  const cases: { fault: Fault; step: string; rollback: string; reason: RegExp }[] = [
    {
      fault: 'kill',
      step: 'checking before',
      rollback: 'not-needed',
      reason: /^the container stopped \(exited\) during the patch/,
    },
    {
      fault: 'kill',
      step: 'writing certificate',
      rollback: 'not-needed',
      reason: /^the container stopped \(exited\) during the patch$/,
    },
    {
      fault: 'kill',
      step: 'updating trust store',
      rollback: 'incomplete',
      reason: /^the container stopped \(exited\) during the patch \(.*is not running/,
    },
    {
      fault: 'kill',
      step: 'checking after',
      rollback: 'incomplete',
      reason: /^the container stopped \(exited\) during the patch/,
    },
    {
      fault: 'pause',
      step: 'writing certificate',
      rollback: 'not-needed',
      reason: /^the container was paused during the patch$/,
    },
    {
      fault: 'pause',
      step: 'updating trust store',
      rollback: 'incomplete',
      reason: /^the container was paused during the patch \(.*paused/,
    },
    {
      fault: 'pause',
      step: 'checking after',
      rollback: 'incomplete',
      reason: /^the container was paused during the patch/,
    },
  ];

  for (const { fault, step, rollback, reason } of cases) {
    it(`${fault} at "${step}": ${rollback === 'incomplete' ? 'bundle byte-identical, the report names exactly what is left, a rerun finishes' : 'trust store exactly as before'}`, async () => {
      const id = await startContainer(testImage('debian-curl'));
      started.push(id);
      const before = await snapshotStore(id);
      const bundle = await fileBytes(id, DEBIAN_BUNDLE);
      const client = new FaultClient(connectEngines()[0]!).atStep(step, act(fault, id));
      const report = await runAdd({
        certificate: fx.ca.certPath,
        selector: selector([id]),
        client,
        checkUrls: [fx.server.url],
        onProgress: client.onProgress,
        timeoutMs: 120_000,
      });
      assert.deepEqual(client.errors, []);
      assert.deepEqual(client.fired, [`at step "${step}"`]);
      const result = failed(report.results[0]);
      assert.match(result.reason, reason);
      assert.equal(result.rollback, rollback, result.warnings.join('\n'));
      assert.ok((await fileBytes(id, DEBIAN_BUNDLE))!.equals(bundle!), 'the bundle is byte-identical to the snapshot');
      const left = storeDifferences(before, await snapshotStore(id));
      if (rollback === 'incomplete') {
        assert.ok(left.includes(`/usr/local/share/ca-certificates/${report.installed[0]!.name}.crt`), left.join(' '));
        assert.deepEqual(namedLeftovers(result.warnings), left, 'the report names exactly what differs');
      } else {
        assert.deepEqual(left, [], 'every entry of the trust store is as before');
      }
      await docker(fault === 'pause' ? ['unpause', id] : ['start', id]);
      if (rollback !== 'incomplete') {
        assert.equal(
          (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code,
          60,
          'still untrusted, as before',
        );
        return;
      }
      // What the report tells the user to do: run again once the container runs; the host
      // remembered the unfinished run, so the rerun patches in full instead of trusting the half state.
      const rerun = await runAdd({
        certificate: fx.ca.certPath,
        selector: selector([id]),
        checkUrls: [fx.server.url],
        timeoutMs: 120_000,
      });
      const finished = rerun.results[0]!;
      assert.equal(finished.status, 'patched', JSON.stringify(finished));
      assert.match(finished.warnings.join('\n'), /an earlier run did not finish \(the container (stopped|was paused)/);
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
    });
  }

  for (const fault of ['kill', 'pause'] as const) {
    it(`${fault} at "verifying bundles" without an update command (the seeded bundle is the patch): restored exactly`, async () => {
      const id = await startContainer(testImage('debian-curl'));
      started.push(id);
      assert.equal(
        (await execIn(id, ['mv', '/usr/sbin/update-ca-certificates', '/root/update-ca-certificates'])).code,
        0,
      );
      const before = await snapshotStore(id);
      const bundle = await fileBytes(id, DEBIAN_BUNDLE);
      const client = new FaultClient(connectEngines()[0]!).atStep('verifying bundles', act(fault, id));
      const report = await runAdd({
        certificate: fx.ca.certPath,
        selector: selector([id]),
        client,
        install: 'never',
        checkUrls: [fx.server.url],
        onProgress: client.onProgress,
        timeoutMs: 120_000,
      });
      assert.deepEqual(client.fired, ['at step "verifying bundles"']);
      const result = failed(report.results[0]);
      assert.match(result.reason, /^the container (stopped \(exited\)|was paused) during the patch/);
      assert.equal(result.rollback, 'done', result.warnings.join('\n'));
      assert.ok((await fileBytes(id, DEBIAN_BUNDLE))!.equals(bundle!), 'the bundle is byte-identical to the snapshot');
      assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
    });

    it(`${fault} at "recording", after the patch was verified: reported patched, and it is`, async () => {
      const id = await startContainer(testImage('debian-curl'));
      started.push(id);
      const client = new FaultClient(connectEngines()[0]!).atStep('recording', act(fault, id));
      const report = await runAdd({
        certificate: fx.ca.certPath,
        selector: selector([id]),
        client,
        checkUrls: [fx.server.url],
        onProgress: client.onProgress,
        timeoutMs: 120_000,
      });
      assert.deepEqual(client.fired, ['at step "recording"']);
      // The fault really happened: `docker kill` / `docker pause` did not fail, and the container shows it.
      assert.deepEqual(client.errors, [], 'the fault was injected');
      assert.equal(
        (await docker(['inspect', '--format', '{{.State.Status}}', id])).stdout.trim(),
        fault === 'kill' ? 'exited' : 'paused',
      );
      const result = report.results[0]!;
      assert.equal(result.status, 'patched', JSON.stringify(result));
      assert.deepEqual(
        result.check.after.map((c) => c.ok),
        [true],
        'verified before the fault',
      );
      const bundle = (await fileBytes(id, DEBIAN_BUNDLE))!.toString('latin1');
      assert.equal(bundle.split(fx.ca.pem.trim()).length - 1, 1, 'the CA is in the bundle, once');
      await docker(fault === 'pause' ? ['unpause', id] : ['start', id]);
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
    });
  }

  for (const [step, rollback] of [
    ['writing certificate', 'not-needed'],
    ['updating trust store', 'container-removed'],
  ] as const) {
    it(`removed at "${step}": reported as removed (rollback ${rollback}), the other container of the run is patched`, async () => {
      const victim = await startContainer(testImage('debian-curl'));
      const healthy = await startContainer(testImage('debian-curl'));
      started.push(victim, healthy);
      const victimName = (await docker(['inspect', '--format', '{{.Name}}', victim])).stdout.trim().replace(/^\//, '');
      const client = new FaultClient(connectEngines()[0]!).atStep(step, act('remove', victim), victimName);
      const report = await runAdd({
        certificate: fx.ca.certPath,
        selector: selector([victim, healthy]),
        client,
        checkUrls: [fx.server.url],
        onProgress: client.onProgress,
        concurrency: 2,
        timeoutMs: 120_000,
        // Each container runs its own update here: the fault is in the victim's.
        replicate: false,
      });
      assert.deepEqual(client.errors, []);
      const byId = new Map(report.results.map((r) => [r.id, r]));
      const removed = failed(byId.get(victim));
      assert.match(removed.reason, /^the container was removed during the patch/);
      assert.equal(removed.rollback, rollback);
      assert.equal((await docker(['inspect', victim], { allowFailure: true })).code, 1, 'the container is gone');
      assert.equal(byId.get(healthy)?.status, 'patched');
      assert.equal((await execIn(healthy, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
    });
  }

  it('the leader of a replicated update is removed during it: the others run the update themselves and are patched', async () => {
    const victim = await startContainer(testImage('debian-curl'));
    const others = [await startContainer(testImage('debian-curl')), await startContainer(testImage('debian-curl'))];
    started.push(victim, ...others);
    const victimName = (await docker(['inspect', '--format', '{{.Name}}', victim])).stdout.trim().replace(/^\//, '');
    const client = new FaultClient(connectEngines()[0]!).atStep(
      'updating trust store',
      act('remove', victim),
      victimName,
    );
    // One at a time, the victim first: it leads, and the others wait for its update.
    const report = await runAdd({
      certificate: fx.ca.certPath,
      selector: selector([victim, ...others]),
      client,
      checkUrls: [fx.server.url],
      onProgress: client.onProgress,
      concurrency: 1,
      timeoutMs: 120_000,
    });
    assert.deepEqual(client.errors, []);
    const byId = new Map(report.results.map((r) => [r.id, r]));
    assert.match(failed(byId.get(victim)).reason, /^the container was removed during the patch/);
    // The first of the others then leads: the second may take its update.
    assert.equal(byId.get(others[0]!)?.replicatedFrom, undefined);
    for (const id of others) {
      const result = byId.get(id);
      assert.equal(result?.status, 'patched', JSON.stringify(result));
      assert.notEqual(result?.replicatedFrom, victimName, 'not replicated from the removed leader');
      assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
    }
  });
});
