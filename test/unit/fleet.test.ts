import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { exitCodeFor, runAdd } from '../../src/commands/add/run.js';
import { runFleet } from '../../src/commands/fleet.js';
import { DeadlineClient, TimeoutError } from '../../src/docker/deadline-client.js';
import type { ContainerInfo } from '../../src/docker/container-client.js';
import type { ContainerResult } from '../../src/types.js';
import { describeSelector, engineFilters } from '../../src/select/selector.js';
import { selectContainers } from '../../src/select/select-containers.js';
import { FakeClient, FakeContainer } from '../support/fake-client.js';
import { fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

const none = { names: [], labels: [], filters: [], all: false };

describe('selecting containers', () => {
  it('turns labels, filters and Compose flags into engine filters that must all match', () => {
    const filters = engineFilters({
      ...none,
      labels: ['app=web', 'tier'],
      filters: ['name=api', 'status=running'],
      composeProject: 'shop',
      service: 'db',
    });
    assert.deepEqual(filters, {
      label: ['app=web', 'tier', 'com.docker.compose.project=shop', 'com.docker.compose.service=db'],
      name: ['api'],
      status: ['running'],
    });
  });

  it('refuses a malformed --filter or --label, naming it', () => {
    assert.throws(() => engineFilters({ ...none, filters: ['nonsense'] }), /--filter "nonsense": give KEY=VALUE/);
    assert.throws(() => engineFilters({ ...none, labels: ['=x'] }), /--label "=x"/);
  });

  it('describes the selector as typed, for messages', () => {
    assert.equal(
      describeSelector({ ...none, names: ['a'], labels: ['app=web'], all: true }),
      'a --label app=web --all',
    );
  });

  it('needs names or a selector flag', async () => {
    await assert.rejects(selectContainers(new FakeClient(), none), /no container selected/);
  });

  it('unites named containers with selector matches, without duplicates, and keeps stopped ones', async () => {
    const client = new FakeClient();
    client.add(new FakeContainer('id-a', 'a'));
    client.add(new FakeContainer('id-b', 'b', { running: false, state: 'exited' }));
    client.list = async () => [client.containers.get('id-b')!.info, client.containers.get('id-a')!.info];
    const picked = await selectContainers(client, { ...none, names: ['a'], labels: ['app=web'] });
    assert.deepEqual(
      picked.map((c) => c.name),
      ['a', 'b'],
    );
  });

  it('a selector that matches nothing is an error that shows it', async () => {
    const client = new FakeClient();
    client.list = async () => [];
    await assert.rejects(
      selectContainers(client, { ...none, labels: ['app=nothing'] }),
      /no container matches --label app=nothing/,
    );
  });
});

describe('running a fleet', () => {
  const info = (n: number) => new FakeContainer(`id-${n}`, `c${n}`).info;

  it('starts no new container once interrupted, and lists the rest as not started', async () => {
    const interrupt = new AbortController();
    const targets = [1, 2, 3, 4, 5].map(info);
    const results = await runFleet(
      targets,
      { concurrency: 1, signal: interrupt.signal },
      async (c: ContainerInfo) => {
        if (c.name === 'c2') interrupt.abort();
        return { id: c.id, name: c.name, image: c.image, status: 'done' };
      },
      (c) => ({ id: c.id, name: c.name, image: c.image, status: 'not-started' }),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['done', 'done', 'not-started', 'not-started', 'not-started'],
    );
  });

  it('never runs more than the concurrency at once', async () => {
    let running = 0;
    let peak = 0;
    await runFleet(
      [1, 2, 3, 4, 5, 6, 7].map(info),
      { concurrency: 3 },
      async (c) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return { id: c.id, name: c.name, image: c.image };
      },
      (c) => ({ id: c.id, name: c.name, image: c.image }),
    );
    assert.equal(peak, 3);
  });

  it('exit status: 1 for a failure or a failed after-check, 130 when interrupted, else 0', () => {
    const base = { id: 'x', name: 'x', image: 'i', family: 'debian', method: null, warnings: [], durationMs: 1 };
    const ok: ContainerResult = {
      ...base,
      status: 'patched',
      check: { before: [], after: [{ url: 'u', ok: true, tool: 'curl', verifiedBy: 'tls', detail: 'ok' }] },
    };
    const unproven: ContainerResult = {
      ...base,
      status: 'patched',
      check: {
        before: [],
        after: [{ url: 'u', ok: false, tool: 'curl', verifiedBy: null, detail: 'curl 7: connection refused' }],
      },
    };
    const failed: ContainerResult = {
      ...base,
      status: 'failed',
      reason: 'r',
      rollback: 'done',
      check: { before: [], after: [] },
    };
    const noClient: ContainerResult = {
      ...base,
      status: 'patched',
      check: {
        before: [],
        after: [{ url: 'u', ok: false, tool: null, verifiedBy: 'bundle', detail: 'bundle verified: no TLS client' }],
      },
    };
    assert.equal(exitCodeFor([ok, noClient]), 0);
    assert.equal(exitCodeFor([ok, unproven]), 1);
    assert.equal(exitCodeFor([ok, failed]), 1);
    assert.equal(exitCodeFor([ok], true), 130);
  });
});

/** A fake engine on which chosen calls never answer. */
class HangingClient extends FakeClient {
  hangInspect = false;
  hangExec: (id: string, argv: readonly string[]) => boolean = () => false;

  override inspect(nameOrId: string) {
    return this.hangInspect ? new Promise<never>(() => {}) : super.inspect(nameOrId);
  }

  override exec(id: string, argv: readonly string[], options?: Parameters<FakeClient['exec']>[2]) {
    return this.hangExec(id, argv) ? new Promise<never>(() => {}) : super.exec(id, argv, options);
  }
}

describe('per-container timeout', () => {
  it('fails a hung call with TimeoutError, then allows a grace period for the rollback', async () => {
    const inner = new HangingClient();
    inner.add(new FakeContainer('c1', 'one'));
    inner.hangInspect = true;
    const client = new DeadlineClient(inner, 30, 5_000);
    await assert.rejects(client.inspect('c1'), TimeoutError);
    const afterwards = await client.exec('c1', ['rm', '-f', '--', '/x']);
    assert.equal(afterwards.exitCode, 0, 'the rollback still gets to run its commands');
  });

  it('one hung container is reported as failed and rolled back while the others are patched', async () => {
    const ca: TestCa = await makeCa('Deadline CA');
    try {
      const client = new HangingClient();
      const good = client.add(fakeDebian('good', []));
      const stuck = client.add(fakeDebian('stuck', []));
      let hung = false;
      client.hangExec = (id, argv) => {
        if (id !== 'stuck' || argv[0] !== '/usr/sbin/update-ca-certificates' || hung) return false;
        hung = true; // only the first run hangs: the rerun during rollback answers
        return true;
      };
      // A fake clock: the budget runs out when the test says so, once the good container is done
      // and the stuck one hangs, never because a loaded machine was slow (count work, not time).
      mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
      let goodDone = false;
      const running = runAdd({
        certificate: ca.certPath,
        selector: { ...none, names: ['good', 'stuck'] },
        client,
        timeoutMs: 300,
        onResult: (result) => {
          if (result.id === 'good') goodDone = true;
        },
      });
      while (!(goodDone && hung)) await new Promise((resolve) => setImmediate(resolve));
      mock.timers.tick(300);
      const report = await running;
      mock.timers.reset();
      const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
      assert.equal(byId.good!.status, 'patched');
      assert.ok(good.read('/etc/ssl/certs/ca-certificates.crt')!.includes(ca.pem));
      const failed = byId.stuck!;
      assert.equal(failed.status, 'failed');
      assert.match(failed.status === 'failed' ? failed.reason : '', /timed out after 0.3s \(--timeout\)/);
      assert.equal(failed.status === 'failed' ? failed.rollback : '', 'done');
      assert.equal(stuck.read('/etc/ssl/certs/ca-certificates.crt'), '', 'the stuck container is as before');
    } finally {
      mock.timers.reset();
      await removeCa(ca);
    }
  });
});
