import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { dockerWithConfig, engineSocket } from '../support/engine.js';
import { makeDockerCertDir, startTlsEngineProxy, type TlsEngineProxy } from '../support/engine-servers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';

/**
 * TLS here is a stand-in: a Node TLS proxy (test/support/engine-servers.ts) in front of the
 * engine under test's socket, so these cases run against every engine of the matrix (Podman
 * and the trixie engines cannot be restarted with --tlsverify). A real dockerd with --tlsverify
 * is engine-ssh-tls.test.ts.
 */
describe('reaching the engine over tcp:// with TLS (a Node TLS proxy in front of the engine under test, a stand-in), and through Docker contexts', function () {
  this.timeout(300_000);
  let engineCa: TestCa;
  let otherCa: TestCa;
  let siteCa: TestCa;
  let site: LocalHttpsServer;
  let proxy: TlsEngineProxy;
  let certPath: string;
  let wrongCaPath: string;
  let noClientCertPath: string;
  let configDir: string;
  let id: string;

  before(async () => {
    engineCa = await makeCa('Engine TLS CA');
    otherCa = await makeCa('Some Other CA');
    siteCa = await makeCa('Site Root CA');
    site = await startHttpsServer(await makeServerCert(siteCa));
    proxy = await startTlsEngineProxy(engineCa, await makeServerCert(engineCa), engineSocket());
    certPath = await makeDockerCertDir(engineCa);
    wrongCaPath = await makeDockerCertDir(otherCa);
    noClientCertPath = await makeDockerCertDir(engineCa, { client: false });
    configDir = await mkdtemp(join(tmpdir(), 'trustpatch-docker-config-'));
    id = await startContainer(testImage('debian-curl'));
  });
  after(async () => {
    if (id) await removeContainers([id]);
    await proxy?.close();
    await site?.close();
    for (const dir of [certPath, wrongCaPath, noClientCertPath, configDir])
      if (dir) await rm(dir, { recursive: true, force: true });
    for (const ca of [engineCa, otherCa, siteCa]) if (ca) await removeCa(ca);
  });

  it('patches through DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, pinning API 1.41', async () => {
    const env = { DOCKER_HOST: proxy.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath };
    const result = await trustpatch(['add', siteCa.certPath, id, '--check-url', site.url], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(
      (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', site.url])).code,
      0,
      'curl inside trusts the site now',
    );
    // Every request went through the TLS front with the client certificate, and after the
    // unversioned ping and version, every request names the negotiated API version.
    assert.ok(proxy.requests.includes('GET /_ping HTTP/1.1'), proxy.requests.join('\n'));
    assert.ok(proxy.requests.includes('GET /version HTTP/1.1'));
    const api = proxy.requests.filter((line) => line.includes('/containers/'));
    assert.ok(api.length > 3);
    for (const line of api) assert.match(line, /^[A-Z]+ \/v1\.41\/containers\//);
  });

  it('refuses an engine whose certificate ca.pem does not vouch for: exit 3, naming the address', async () => {
    const result = await trustpatch(['check', id, '--check-url', site.url], {
      env: { DOCKER_HOST: proxy.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrongCaPath },
    });
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `no Docker engine answers at ${proxy.host.replace(/\./g, '\\.')} \\(.*(self-signed|unable to (get|verify)).*\\)`,
      ),
    );
  });

  it('without a client certificate: a user error under DOCKER_TLS_VERIFY, refused by the engine under DOCKER_TLS', async () => {
    const result = await trustpatch(['check', id, '--check-url', site.url], {
      env: { DOCKER_HOST: proxy.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: noClientCertPath },
    });
    assert.equal(result.code, 2, 'DOCKER_TLS_VERIFY needs cert.pem and key.pem: a user error before any connection');
    assert.match(result.stderr, /cert\.pem: cannot read it \(ENOENT\)/);
    const lax = await trustpatch(['check', id, '--check-url', site.url], {
      env: { DOCKER_HOST: proxy.host, DOCKER_TLS: '1', DOCKER_CERT_PATH: noClientCertPath },
    });
    assert.equal(lax.code, 3, lax.stdout + lax.stderr);
    assert.match(lax.stderr, /no Docker engine answers at tcp:\/\/127\.0\.0\.1:\d+/);
  });

  it('follows `docker context use` as the docker CLI writes it, TLS material included, and --context over DOCKER_HOST', async () => {
    await dockerWithConfig(configDir, [
      'context',
      'create',
      'tp-tls',
      '--docker',
      `host=${proxy.host},ca=${join(certPath, 'ca.pem')},cert=${join(certPath, 'cert.pem')},key=${join(certPath, 'key.pem')}`,
    ]);
    await dockerWithConfig(configDir, ['context', 'use', 'tp-tls']);
    const listed = await dockerWithConfig(configDir, ['ps', '-q', '--no-trunc', '--filter', `id=${id}`]);
    assert.equal(listed.trim(), id, '`docker ps` reaches the engine through the context');
    const before = proxy.requests.length;
    const current = await trustpatch(['check', id, '--check-url', site.url, '--json'], {
      env: { DOCKER_CONFIG: configDir, DOCKER_HOST: '' },
    });
    assert.equal(current.code, 0, current.stdout + current.stderr);
    const document = JSON.parse(current.stdout);
    assert.deepEqual(document.engines, [proxy.host]);
    assert.equal(document.containers[0].status, 'trusted');
    assert.ok(proxy.requests.length > before, 'trustpatch went through the context’s TLS endpoint');
    const flagged = await trustpatch(['check', id, '--context', 'tp-tls', '--check-url', site.url], {
      env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    assert.equal(flagged.code, 0, flagged.stdout + flagged.stderr);
    const missing = await trustpatch(['check', id, '--context', 'tp-nope', '--check-url', site.url], {
      env: { DOCKER_CONFIG: configDir },
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /context "tp-nope": no such Docker context in .*; see `docker context ls`/);
  });
});
