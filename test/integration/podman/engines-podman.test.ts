import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../../support/cli.js';
import { docker, removeContainers, SESSION_ID, startContainer, testImage } from '../../support/containers.js';
import { DOCKER_SOCKET, dockerWithConfig, PODMAN_SOCKET, TEST_ENGINE } from '../../support/engine.js';
import { startHttpsServer, type LocalHttpsServer } from '../../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../../support/pki.js';

const DOCKER = `unix://${DOCKER_SOCKET}`;
const PODMAN = `unix://${PODMAN_SOCKET}`;

/** curl's exit code inside a container of either engine. */
async function curlOn(host: string, id: string, url: string): Promise<number> {
  return (
    await docker(['exec', '--user', '0', id, 'curl', '-sS', '-o', '/dev/null', '--max-time', '10', url], {
      allowFailure: true,
      host,
    })
  ).code;
}

describe('Docker and Podman side by side (run with TRUSTPATCH_TEST_ENGINE=podman)', function () {
  this.timeout(300_000);
  let ca: TestCa;
  let server: LocalHttpsServer;
  let configDir: string;
  const name = `tp-both-${SESSION_ID}`;
  let onDocker = '';
  let onPodman = '';

  before(async () => {
    assert.equal(TEST_ENGINE, 'podman', 'this file needs both engines: run it through npm run test:integration:podman');
    ca = await makeCa('Two Engines CA');
    server = await startHttpsServer(await makeServerCert(ca));
    configDir = await mkdtemp(join(tmpdir(), 'trustpatch-docker-config-'));
    onDocker = await startContainer(testImage('debian-curl'), { name, host: DOCKER });
    onPodman = await startContainer(testImage('debian-curl'), { name, host: PODMAN });
  });
  after(async () => {
    await removeContainers([onDocker].filter(Boolean), DOCKER);
    await removeContainers([onPodman].filter(Boolean), PODMAN);
    await server?.close();
    if (ca) await removeCa(ca);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('patches the same name on both engines in one run: one report, each row naming its engine', async () => {
    assert.equal(await curlOn(DOCKER, onDocker, server.url), 60);
    assert.equal(await curlOn(PODMAN, onPodman, server.url), 60);
    const result = await trustpatch([
      'add',
      ca.certPath,
      name,
      '--host',
      DOCKER,
      '-H',
      PODMAN,
      '--check-url',
      server.url,
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines.find((l) => l.startsWith('ENGINE'))!, /^ENGINE\s+CONTAINER\s+ID/);
    assert.match(lines.find((l) => l.startsWith(DOCKER))!, new RegExp(`${name}\\s+${onDocker.slice(0, 12)}.*patched`));
    assert.match(lines.find((l) => l.startsWith(PODMAN))!, new RegExp(`${name}\\s+${onPodman.slice(0, 12)}.*patched`));
    assert.match(result.stdout, /2 patched, 0 already trusted, 0 skipped, 0 failed; 2 container\(s\)/);
    assert.equal(await curlOn(DOCKER, onDocker, server.url), 0, 'curl in the Docker container trusts the server');
    assert.equal(await curlOn(PODMAN, onPodman, server.url), 0, 'curl in the Podman container trusts the server');

    const json = await trustpatch(['check', name, '-H', PODMAN, '-H', DOCKER, '--check-url', server.url, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const document = JSON.parse(json.stdout);
    assert.deepEqual(document.engines, [PODMAN, DOCKER]);
    assert.deepEqual(
      document.containers.map((c: { engine: string; id: string; status: string }) => [c.engine, c.id, c.status]),
      [
        [PODMAN, onPodman, 'trusted'],
        [DOCKER, onDocker, 'trusted'],
      ],
    );
  });

  it('a name no engine has is refused naming both engines, and nothing runs', async () => {
    const result = await trustpatch(['add', ca.certPath, `${name}-nope`, '-H', DOCKER, '-H', PODMAN, '--no-check']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`no such container on any of ${DOCKER}, ${PODMAN}`));
  });

  it('reaches Podman through a context made with `docker context create` and `docker context use`', async () => {
    await dockerWithConfig(configDir, ['context', 'create', 'tp-podman', '--docker', `host=${PODMAN}`]);
    await dockerWithConfig(configDir, ['context', 'use', 'tp-podman']);
    const listed = await dockerWithConfig(configDir, ['ps', '-q', '--no-trunc', '--filter', `name=${name}`]);
    assert.equal(listed.trim(), onPodman, '`docker ps` shows the Podman container through the context');
    const result = await trustpatch(['check', name, '--check-url', server.url, '--json'], {
      env: { DOCKER_CONFIG: configDir, DOCKER_HOST: '' },
    });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.deepEqual(document.engines, [PODMAN]);
    assert.deepEqual(
      document.containers.map((c: { id: string }) => c.id),
      [onPodman],
    );
  });
});
