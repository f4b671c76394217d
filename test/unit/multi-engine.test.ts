import assert from 'node:assert/strict';
import { runAdd } from '../../src/commands/add/run.js';
import { addTable } from '../../src/commands/add/table.js';
import { addDocument } from '../../src/commands/add/json.js';
import { removeTable } from '../../src/commands/remove/table.js';
import { statusTable } from '../../src/commands/status/table.js';
import { runRemove } from '../../src/commands/remove/run.js';
import { runStatus } from '../../src/commands/status/run.js';
import { selectOnEngines } from '../../src/select/select-containers.js';
import { FakeClient } from '../support/fake-client.js';
import { BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

const none = { names: [], labels: [], filters: [], all: false };

/** Two engines: `web` runs on both (different containers), `api` only on the second. */
function twoEngines() {
  const a = new FakeClient('unix:///a.sock');
  const b = new FakeClient('tcp://b:2375');
  const webA = a.add(fakeDebian('id-web-a', []));
  webA.info.name = 'web';
  const webB = b.add(fakeDebian('id-web-b', []));
  webB.info.name = 'web';
  const api = b.add(fakeDebian('id-api', []));
  api.info.name = 'api';
  return { a, b, webA, webB, api };
}

describe('several engines in one run', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeCa('Multi Engine CA');
  });
  after(async () => {
    await removeCa(ca);
  });

  it('looks a name up on every engine and selects each container of that name, engine by engine', async () => {
    const { a, b } = twoEngines();
    const targets = await selectOnEngines([a, b], { ...none, names: ['web', 'api'] });
    assert.deepEqual(
      targets.map((t) => [t.client.endpoint, t.info.id]),
      [
        ['unix:///a.sock', 'id-web-a'],
        ['tcp://b:2375', 'id-web-b'],
        ['tcp://b:2375', 'id-api'],
      ],
    );
  });

  it('refuses a name no engine has, naming every engine searched', async () => {
    const { a, b } = twoEngines();
    await assert.rejects(
      selectOnEngines([a, b], { ...none, names: ['web', 'db'] }),
      /container "db": no such container on any of unix:\/\/\/a\.sock, tcp:\/\/b:2375; see `docker ps`/,
    );
  });

  it('is content when a selector matches on one engine only, and refuses one matching on none', async () => {
    const { a, b } = twoEngines();
    b.list = async () => [];
    const picked = await selectOnEngines([a, b], { ...none, all: true });
    assert.deepEqual(
      picked.map((t) => t.info.id),
      ['id-web-a'],
    );
    a.list = async () => [];
    await assert.rejects(
      selectOnEngines([a, b], { ...none, all: true }),
      /no container matches --all on any of unix:\/\/\/a\.sock, tcp:\/\/b:2375/,
    );
  });

  it('lists a container once when two addresses reach the same engine', async () => {
    const { a, webA } = twoEngines();
    const alias = new FakeClient('unix:///alias.sock');
    alias.add(webA);
    const picked = await selectOnEngines([a, alias], { ...none, all: true });
    assert.deepEqual(
      picked.map((t) => [t.client.endpoint, t.info.id]),
      [['unix:///a.sock', 'id-web-a']],
    );
  });

  it('patches on every engine, and each result names its engine in the table and the JSON', async () => {
    const { a, b, webA, webB, api } = twoEngines();
    const report = await runAdd({
      certificate: ca.certPath,
      selector: { ...none, names: ['web', 'api'] },
      clients: [a, b],
    });
    assert.deepEqual(report.engines, ['unix:///a.sock', 'tcp://b:2375']);
    assert.deepEqual(
      report.results.map((r) => [r.engine, r.id, r.status]),
      [
        ['unix:///a.sock', 'id-web-a', 'patched'],
        ['tcp://b:2375', 'id-web-b', 'patched'],
        ['tcp://b:2375', 'id-api', 'patched'],
      ],
    );
    for (const container of [webA, webB, api])
      assert.ok(container.read(BUNDLE)!.includes(ca.pem), `${container.info.id} trusts the CA`);

    const lines = addTable(report.results, (_s, text) => text, { engine: true }).split('\n');
    assert.match(lines[0]!, /^ENGINE\s+CONTAINER\s+ID\s+IMAGE\s+STATUS/);
    assert.match(lines[1]!, /^unix:\/\/\/a\.sock\s+web\s+id-web-a\s+fake:1\s+patched/);
    assert.match(lines[3]!, /^tcp:\/\/b:2375\s+api\s+id-api/);
    assert.doesNotMatch(
      addTable(report.results, (_s, text) => text),
      /ENGINE/,
      'one engine: no ENGINE column',
    );

    const document = addDocument({ ...report, durationMs: 1, exitCode: 0 });
    assert.deepEqual(document.engines, ['unix:///a.sock', 'tcp://b:2375']);
    assert.deepEqual(
      document.containers.map((c) => c.engine),
      ['unix:///a.sock', 'tcp://b:2375', 'tcp://b:2375'],
    );

    // status and remove over the same two engines: the same ENGINE column.
    const plain = (_s: string, text: string) => text;
    const status = await runStatus({ selector: { ...none, names: ['web', 'api'] }, clients: [a, b] });
    const statusLines = statusTable(status.results, plain, { engine: true }).split('\n');
    assert.match(statusLines[0]!, /^ENGINE\s+CONTAINER\s+ID\s+IMAGE\s+STATUS/);
    assert.match(statusLines[1]!, /^unix:\/\/\/a\.sock\s+web\s+id-web-a\s+fake:1\s+complete/);
    assert.match(statusLines[3]!, /^tcp:\/\/b:2375\s+api\s+id-api\s+fake:1\s+complete/);
    const removed = await runRemove({
      certificate: ca.certPath,
      selector: { ...none, names: ['web', 'api'] },
      clients: [a, b],
    });
    const removeLines = removeTable(removed.results, plain, { engine: true }).split('\n');
    assert.match(removeLines[0]!, /^ENGINE\s+CONTAINER\s+ID\s+IMAGE\s+STATUS/);
    assert.match(removeLines[2]!, /^tcp:\/\/b:2375\s+web\s+id-web-b\s+fake:1\s+removed/);
    assert.doesNotMatch(removeTable(removed.results, plain), /ENGINE/, 'one engine: no ENGINE column');
  });

  it('stops before selecting anything when one engine does not answer', async () => {
    const { a, b, webA } = twoEngines();
    b.reachable = false;
    await assert.rejects(
      runAdd({ certificate: ca.certPath, selector: { ...none, names: ['web'] }, clients: [a, b] }),
      /unreachable/,
    );
    assert.equal(webA.execs.length, 0, 'nothing ran on the reachable engine either');
    assert.equal(webA.read(BUNDLE), '');
  });
});
