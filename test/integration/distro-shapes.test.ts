import assert from 'node:assert/strict';
import { docker, execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { addJson, checkRows, copyOut } from '../support/trust-checks.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

describe('container shapes that cannot be patched, each with a clear result', function () {
  let ca: TestCa;
  let server: LocalHttpsServer;
  const containers: string[] = [];

  before(async () => {
    ca = await makeCa('Shapes Test Root');
    server = await startHttpsServer(await makeServerCert(ca));
  });
  after(async () => {
    await removeContainers(containers);
    await server?.close();
    if (ca) await removeCa(ca);
  });

  it('a read-only root filesystem: exit 1 with the way out, nothing changed', async () => {
    const id = await startContainer(testImage('debian-curl'), { readOnly: true });
    containers.push(id);
    const before = await copyOut(id, BUNDLE);
    const {
      code,
      containers: [result],
      output,
    } = await addJson([ca.certPath, id, '--check-url', server.url]);
    assert.equal(code, 1, output);
    assert.equal(result!.status, 'failed');
    assert.equal(result!.error, 'read-only root filesystem: recreate the container from an image that trusts the CA');
    assert.equal(result!.rollback, 'not-needed', 'nothing was changed');
    assert.equal(await copyOut(id, BUNDLE), before);
    assert.equal((await execIn(id, ['ls', '-A', '/usr/local/share/ca-certificates'])).stdout.trim(), '');
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', server.url])).code, 60, 'still untrusted');
  });

  it('paused and stopped containers are skipped with their state, and the others are patched', async () => {
    const paused = await startContainer(testImage('debian-curl'));
    const stopped = await startContainer(testImage('debian-curl'));
    const running = await startContainer(testImage('debian-curl'));
    containers.push(paused, stopped, running);
    await docker(['pause', paused]);
    await docker(['stop', '-t', '1', stopped]);
    const pausedBefore = await copyOut(paused, BUNDLE);
    const {
      code,
      containers: results,
      output,
    } = await addJson([ca.certPath, paused, stopped, running, '--check-url', server.url]);
    await docker(['unpause', paused]);
    assert.equal(code, 0, output);
    const byId = (id: string) => results.find((c) => c.id === id)!;
    assert.deepEqual([byId(paused).status, byId(paused).error], ['skipped', 'container is paused']);
    assert.deepEqual([byId(stopped).status, byId(stopped).error], ['skipped', 'container is exited']);
    assert.deepEqual(
      [byId(running).status, byId(running).family, byId(running).method],
      ['patched', 'debian', 'update-command'],
    );
    assert.deepEqual(checkRows(byId(running).check.before), [[false, 'curl', null]]);
    assert.deepEqual(checkRows(byId(running).check.after), [[true, 'curl', 'tls']]);
    assert.equal(await copyOut(paused, BUNDLE), pausedBefore);
    assert.equal((await execIn(running, ['curl', '-sS', '-o', '/dev/null', server.url])).code, 0);
  });
});
