import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { docker, execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { copyOut } from '../support/trust-checks.js';

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
    const result = await trustpatch(['add', ca.certPath, id, '--check-url', server.url]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /failed .*\n {4}reason: read-only root filesystem: recreate the container from an image that trusts the CA; nothing was changed/);
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
    const result = await trustpatch(['add', ca.certPath, paused, stopped, running, '--check-url', server.url]);
    await docker(['unpause', paused]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`\\(${paused.slice(0, 12)}\\) {2}skipped.*\\n {4}reason: container is paused`));
    assert.match(result.stdout, new RegExp(`\\(${stopped.slice(0, 12)}\\) {2}skipped.*\\n {4}reason: container is exited`));
    assert.match(result.stdout, new RegExp(`\\(${running.slice(0, 12)}\\) {2}patched {2}debian {2}check: failed \\(curl 60\\) -> ok \\(curl\\)`));
    assert.equal(await copyOut(paused, BUNDLE), pausedBefore);
    assert.equal((await execIn(running, ['curl', '-sS', '-o', '/dev/null', server.url])).code, 0);
  });
});
