import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { runAddSession, type AddSessionOptions } from '../../src/commands/add/session.js';

const runTemporaryAdd = (options: Omit<AddSessionOptions, 'isTemporary' | 'watch'>) =>
  runAddSession({ ...options, isTemporary: true, watch: false });
import { runRemove } from '../../src/commands/remove/run.js';
import { parseDuration, formatDuration } from '../../src/cli/duration.js';
import { Interrupts } from '../../src/cli/interrupts.js';
import { MANIFEST_PATH, mergeEntries, parseManifest, type ManifestEntry } from '../../src/record/manifest.js';
import { statusOf } from '../../src/commands/status/worker.js';
import { expiredBecause, type TemporaryTrust } from '../../src/record/temporary.js';
import { trustpatch } from '../support/cli.js';
import { FakeClient } from '../support/fake-client.js';
import { BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { distroAndCorpCas } from '../support/pki.js';
import { suitePemFile } from '../support/temp-pem.js';

const selector = (...names: string[]) => ({ names, labels: [], filters: [], all: false });

describe('temporary trust: add --for / --until-interrupt, remove --expired (fake engine)', () => {
  const cas = distroAndCorpCas();
  const pem = suitePemFile(() => cas.corp.pem);

  function setup() {
    const client = new FakeClient();
    const containers = ['t1', 't2'].map((id) => client.add(fakeDebian(id, [cas.distro.pem])));
    return { client, containers, before: containers.map((c) => c.read(BUNDLE)) };
  }

  it('at expiry removes exactly what it added: bundles byte-identical, records gone; meanwhile the record says temporary', async () => {
    const { client, containers, before } = setup();
    const seen: (string | undefined)[] = [];
    const report = await runTemporaryAdd({
      certificate: pem.path,
      selector: selector('name-t1', 'name-t2'),
      clients: [client],
      lockDir: pem.dir,
      durationMs: 60_000,
      now: () => new Date('2030-01-01T00:00:00Z'),
      // The fake clock: the time is up as soon as the session holds; look at the records first.
      wait: async (until) => {
        seen.push(until?.toISOString());
        for (const c of containers)
          seen.push(parseManifest(c.read(MANIFEST_PATH)!).entries[0]!.temporary?.expiresAt ?? undefined);
        assert.ok(
          containers.every((c) => c.read(BUNDLE)!.includes(cas.corp.pem)),
          'patched while held',
        );
      },
    });
    assert.deepEqual(seen, ['2030-01-01T00:01:00.000Z', '2030-01-01T00:01:00.000Z', '2030-01-01T00:01:00.000Z']);
    assert.equal(report.endedBy, 'expiry');
    assert.deepEqual(
      report.add.results.map((r) => r.status),
      ['patched', 'patched'],
    );
    assert.deepEqual(
      report.revert!.results.map((r) => r.status),
      ['removed', 'removed'],
    );
    assert.deepEqual(
      containers.map((c) => c.read(BUNDLE)),
      before,
    );
    assert.deepEqual(
      containers.map((c) => c.read(MANIFEST_PATH)),
      [undefined, undefined],
    );
  });

  it('an interrupt ends the wait and reverts; a permanent add made before stays, and a container removed meanwhile is reported', async () => {
    const { client, containers } = setup();
    // t1 already trusts the CA through an earlier, permanent add: the session must leave it be.
    const { runAdd } = await import('../../src/commands/add/run.js');
    await runAdd({ certificate: pem.path, selector: selector('name-t1'), clients: [client], lockDir: pem.dir });
    const [t1Bundle, t1Record] = [containers[0]!.read(BUNDLE), containers[0]!.read(MANIFEST_PATH)];
    const interrupt = new AbortController();
    const report = await runTemporaryAdd({
      certificate: pem.path,
      selector: selector('name-t1', 'name-t2'),
      clients: [client],
      lockDir: pem.dir,
      signal: interrupt.signal,
      onHolding: () => {
        client.containers.delete('t2');
        interrupt.abort();
      },
    });
    assert.equal(report.endedBy, 'interrupt');
    assert.equal(report.session?.expiresAt, null, '--until-interrupt has no expiry time');
    assert.deepEqual(
      report.add.results.map((r) => r.status),
      ['already-trusted', 'patched'],
    );
    assert.equal(report.revert!.results.length, 1, 'only what the session patched is reverted');
    const [t2] = report.revert!.results;
    assert.equal(t2!.status, 'skipped');
    assert.match(t2!.status === 'skipped' ? t2!.reason : '', /container is removed/);
    assert.deepEqual([containers[0]!.read(BUNDLE), containers[0]!.read(MANIFEST_PATH)], [t1Bundle, t1Record]);
  });

  it('a permanent add of the same CA is not undone by a temporary one, nor turned temporary', () => {
    const entry = (temporary?: TemporaryTrust): ManifestEntry => ({
      fingerprint: 'a'.repeat(64),
      subject: 'CN=x',
      name: 'x',
      family: 'debian',
      method: 'update-command',
      anchor: '/a.crt',
      bundles: [],
      certifi: [],
      java: [],
      commands: [],
      addedAt: '2030-01-01T00:00:00Z',
      trustpatchVersion: '0',
      ...(temporary ? { temporary } : {}),
    });
    const session: TemporaryTrust = { session: 's', expiresAt: null, pid: 1, host: 'h' };
    const manifest = { schemaVersion: 1, entries: [entry()] };
    assert.equal(mergeEntries(manifest, [entry(session)]).entries[0]!.temporary, undefined);
    assert.equal(
      mergeEntries({ schemaVersion: 1, entries: [entry(session)] }, [entry()]).entries[0]!.temporary,
      undefined,
    );
    assert.deepEqual(
      mergeEntries({ schemaVersion: 1, entries: [entry(session)] }, [entry({ ...session, session: 't' })]).entries[0]!
        .temporary?.session,
      't',
    );
  });

  it('counts as expired when its time is up, or when its session is gone from this machine', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const alive = (pid: number) => pid === 42;
    const base = { session: 's', host: 'here' };
    assert.match(
      expiredBecause({ ...base, pid: 42, expiresAt: '2029-12-31T23:59:59Z' }, { now, host: 'here', alive }) ?? '',
      /expired at 2029-12-31T23:59:59Z/,
    );
    assert.equal(
      expiredBecause({ ...base, pid: 42, expiresAt: '2030-01-01T00:00:01Z' }, { now, host: 'here', alive }),
      undefined,
    );
    assert.match(
      expiredBecause({ ...base, pid: 7, expiresAt: null }, { now, host: 'here', alive }) ?? '',
      /session ended without reverting it \(trustpatch pid 7 on here is gone\)/,
    );
    // Another machine's session is judged by its time alone: its pid means nothing here.
    assert.equal(expiredBecause({ ...base, pid: 7, expiresAt: null }, { now, host: 'elsewhere', alive }), undefined);
  });

  it('after the session died, status names the expired patch and remove --expired restores byte for byte', async () => {
    const { client, containers, before } = setup();
    // A session that died (kill -9) before its revert: its record says so, its pid is gone.
    const dead: TemporaryTrust = { session: 'dead', expiresAt: null, pid: 2 ** 22 + 17, host: hostname() };
    const { runAdd } = await import('../../src/commands/add/run.js');
    await runAdd({
      certificate: pem.path,
      selector: selector('name-t1'),
      clients: [client],
      lockDir: pem.dir,
      temporary: dead,
    });
    const status = await statusOf(client, containers[0]!.info, ['system']);
    assert.match(status.certificates[0]!.temporary?.expired ?? '', /session ended without reverting it/);
    const removed = await runRemove({
      certificate: { kind: 'expired', label: 'expired' },
      selector: selector('name-t1', 'name-t2'),
      clients: [client],
    });
    assert.deepEqual(
      removed.results.map((r) => r.status),
      ['removed', 'not-present'],
    );
    assert.deepEqual(
      containers.map((c) => c.read(BUNDLE)),
      before,
    );
    assert.equal(containers[0]!.read(MANIFEST_PATH), undefined);
  });

  it('parses durations and refuses what is not one', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    for (const bad of ['10', '5 minutes', 'm', '-5s', '0s', '31d'])
      assert.throws(() => parseDuration(bad), /--for/, bad);
    assert.deepEqual(
      [formatDuration(59_001), formatDuration(65_000), formatDuration(3_725_000)],
      ['1m 00s', '1m 05s', '1h 02m 05s'],
    );
  });

  it('refuses a bad --for, --for with --until-interrupt, and --dry-run with a session, before touching anything', async function () {
    // Each case starts the CLI: on a loaded 2-core machine that took 8.6 s in all.
    this.timeout(60_000);
    for (const [args, message] of [
      [['--for', '10'], /--for "10": not a duration; give a number with a unit, like 90s/],
      [['--for', '1m', '--until-interrupt'], /--for and --until-interrupt: give one of them/],
      [['--watch', '--dry-run'], /--dry-run plans one pass/],
    ] as const) {
      // No engine is reachable at this address: the refusal must come before any engine call.
      const result = await trustpatch(['add', pem.path, 'web', '-H', 'tcp://127.0.0.1:1', ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
    const remove = await trustpatch(['remove', '-H', 'tcp://127.0.0.1:1']);
    assert.equal(remove.code, 2);
    assert.match(remove.stderr, /remove: name the certificate to remove .* or give --expired/);
  });

  it('interrupts: the first aborts, the next quits, unless held, when the holder hears each one', () => {
    const free = new Interrupts();
    assert.deepEqual([free.receive(), free.signal.aborted, free.receive()], ['aborted', true, 'exit']);
    const held = new Interrupts();
    let told = 0;
    const release = held.hold(() => (told += 1));
    assert.deepEqual([held.receive(), held.receive(), held.receive(), told], ['held', 'held', 'held', 2]);
    release();
    assert.equal(held.receive(), 'exit');
  });
});
