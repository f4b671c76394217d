import assert from 'node:assert/strict';
import { docker, execIn, startContainer, testImage } from '../support/containers.js';
import { addJson, checkRows, copyOut } from '../support/trust-checks.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

describe('container shapes that cannot be patched, each with a clear result', function () {
  const fx = caFixture('Shapes Test Root');
  after(async () => {});

  it('a read-only root filesystem: exit 1 with the way out, nothing changed', async () => {
    const id = await fx.start(testImage('debian-curl'), { readOnly: true });
    const before = await copyOut(id, BUNDLE);
    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(code, 1, output);
    assert.equal(result!.status, 'failed');
    assert.equal(result!.error, 'read-only root filesystem: recreate the container from an image that trusts the CA');
    assert.equal(result!.rollback, 'not-needed', 'nothing was changed');
    assert.equal(await copyOut(id, BUNDLE), before);
    assert.equal((await execIn(id, ['ls', '-A', '/usr/local/share/ca-certificates'])).stdout.trim(), '');
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 60, 'still untrusted');
  });

  it('paused and stopped containers are skipped with their state, and the others are patched', async () => {
    const paused = await startContainer(testImage('debian-curl'));
    const stopped = await startContainer(testImage('debian-curl'));
    const running = await startContainer(testImage('debian-curl'));
    fx.containers.push(paused, stopped, running);
    await docker(['pause', paused]);
    await docker(['stop', '-t', '1', stopped]);
    const pausedBefore = await copyOut(paused, BUNDLE);
    const {
      code,
      containers: results,
      output,
    } = await addJson([fx.ca.certPath, paused, stopped, running, '--check-url', fx.server.url]);
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
    assert.equal((await execIn(running, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
  });
});
