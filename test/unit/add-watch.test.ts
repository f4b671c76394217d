import assert from 'node:assert/strict';
import { runAddSession } from '../../src/commands/add/session.js';
import { containerStart } from '../../src/docker/events.js';
import { MANIFEST_PATH } from '../../src/record/manifest.js';
import { FakeClient } from '../support/fake-client.js';
import { BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { distroAndCorpCas } from '../support/pki.js';
import { suitePemFile } from '../support/temp-pem.js';

const selector = (...names: string[]) => ({ names, labels: [], filters: [], all: false });
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Polls `done` (a bounded wait, not a fixed number of turns: a loaded machine is slower). */
async function until(done: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`not seen within ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('add --watch (fake engines)', () => {
  const cas = distroAndCorpCas();
  const pem = suitePemFile(() => cas.corp.pem);

  it('patches each matching container that starts, once, on every engine; a temporary watch reverts them all', async () => {
    const [a, b] = [new FakeClient('fake://a'), new FakeClient('fake://b')];
    const first = a.add(fakeDebian('w1', [cas.distro.pem]));
    const pristine = first.read(BUNDLE);
    const started: string[] = [];
    const report = await runAddSession({
      certificate: pem.path,
      selector: selector('name-w1', 'name-w2', 'name-w3', 'name-w4'),
      clients: [a, b],
      lockDir: pem.dir,
      isTemporary: true,
      watch: true,
      // A start heard during the first pass is held until it ends, not lost.
      onSelected: () => {
        a.add(fakeDebian('w2', [cas.distro.pem]));
        a.emitStart('w2');
      },
      onStarted: (start, engine) => started.push(`${start.name}@${engine}`),
      wait: async () => {
        await tick();
        // Reported twice: patched once.
        b.add(fakeDebian('w3', [cas.distro.pem]));
        b.emitStart('w3');
        b.emitStart('w3');
        // Started and stopped at once: reported as skipped, nothing written.
        a.add(fakeDebian('w4', [cas.distro.pem])).info = {
          ...a.containers.get('w4')!.info,
          running: false,
          state: 'exited',
        };
        a.emitStart('w4');
        // Not selected: not touched, not reported.
        a.add(fakeDebian('other', [cas.distro.pem]));
        a.emitStart('other');
        // Removed right after it started: nothing to patch or report.
        a.emitStart('gone-at-once');
        await until(
          () =>
            ['w2', 'w3'].every((id) =>
              (a.containers.get(id) ?? b.containers.get(id))!.read(BUNDLE)!.includes(cas.corp.pem),
            ),
          'w2 and w3 patched while watched',
        );
      },
    });
    assert.deepEqual(
      report.add.results.map((r) => r.id),
      ['w1'],
    );
    assert.deepEqual(report.watched.map((r) => `${r.id}:${r.status}@${r.engine}`).sort(), [
      'w2:patched@fake://a',
      'w3:patched@fake://b',
      'w4:skipped@fake://a',
    ]);
    assert.deepEqual(started.sort(), ['name-w2@fake://a', 'name-w3@fake://b', 'name-w4@fake://a']);
    assert.deepEqual(report.revert!.results.map((r) => `${r.id}:${r.status}`).sort(), [
      'w1:removed',
      'w2:removed',
      'w3:removed',
    ]);
    for (const container of [
      first,
      a.containers.get('w2')!,
      b.containers.get('w3')!,
      a.containers.get('w4')!,
      a.containers.get('other')!,
    ]) {
      assert.equal(container.read(BUNDLE), pristine, container.info.id);
      assert.equal(container.read(MANIFEST_PATH), undefined, container.info.id);
    }
  });

  it('without --for a watch keeps its patches; with nothing running yet it waits instead of refusing', async () => {
    const client = new FakeClient();
    const report = await runAddSession({
      certificate: pem.path,
      selector: selector('name-late'),
      clients: [client],
      lockDir: pem.dir,
      isTemporary: false,
      watch: true,
      wait: async () => {
        client.add(fakeDebian('late', [cas.distro.pem]));
        client.emitStart('late');
        await until(
          () => client.containers.get('late')!.read(MANIFEST_PATH) !== undefined,
          'late patched and recorded',
        );
      },
    });
    assert.deepEqual(
      [report.add.results.length, report.watched.map((r) => r.status), report.revert],
      [0, ['patched'], null],
    );
    assert.ok(client.containers.get('late')!.read(BUNDLE)!.includes(cas.corp.pem));
    assert.equal(JSON.parse(client.containers.get('late')!.read(MANIFEST_PATH)!).entries[0].temporary, undefined);
  });

  it("reads container starts from the engine's event lines (Docker and Podman forms), ignoring the rest", () => {
    assert.deepEqual(
      containerStart(
        '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}},"time":1700000000,"timeNano":1700000000123000000}',
      ),
      { id: 'abc', name: 'web', time: 1700000000123 },
    );
    assert.deepEqual(containerStart('{"status":"start","id":"def","time":1700000001}'), {
      id: 'def',
      name: 'def',
      time: 1700000001000,
    });
    for (const other of [
      '{"Type":"container","Action":"die","Actor":{"ID":"abc"}}',
      '{"Type":"network","Action":"start"}',
      'not json',
      '{"Action":"start"}',
    ])
      assert.equal(containerStart(other), undefined, other);
  });
});
