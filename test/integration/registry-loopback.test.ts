import assert from 'node:assert/strict';
import { mkdtemp, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { docker, SESSION_ID } from '../support/containers.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';
import { ENGINE_CERTS_D, prepareRegistryTest, SOURCE_IMAGE } from '../support/registry-e2e.js';
import { makeServerCertFor } from '../support/registry-pki.js';
import { freeLoopbackPort, startRegistry, type RunningRegistry } from '../support/registry-server.js';

/**
 * The trap the loopback registry sets: Docker treats 127.0.0.0/8 as insecure, skips server
 * verification there and never reads certs.d (moby registry: newTLSConfig reads the directory
 * only for secure registries). So a loopback registry that requires client certificates cannot
 * be reached whatever certs.d holds; this pins down that behaviour and trustpatch's warning.
 */
describe('registry add on 127.0.0.1: the engine ignores certs.d for loopback registries', function () {
  let work: string;
  let ca: TestCa;
  let registry: RunningRegistry;
  let image: string;
  let dir: string;
  let hadCertsD: boolean;

  before(async function () {
    this.timeout(600_000);
    await prepareRegistryTest();
    hadCertsD = await stat(ENGINE_CERTS_D).then(() => true, () => false);
    work = await mkdtemp(join(tmpdir(), 'trustpatch-registry-lo-'));
    ca = await makeCa('Loopback Registry CA');
    const server = await makeServerCertFor(ca, 'registry-lo', ['127.0.0.1']);
    registry = await startRegistry({ dir: work, host: '127.0.0.1', port: await freeLoopbackPort(), tls: { certPath: server.certPath, keyPath: server.keyPath, clientCaPath: ca.certPath } });
    dir = join(ENGINE_CERTS_D, registry.address);
    image = `${registry.address}/trustpatch-e2e:${SESSION_ID}`;
    await docker(['tag', SOURCE_IMAGE, image]);
  });

  after(async function () {
    this.timeout(120_000);
    await rm(dir ?? join(ENGINE_CERTS_D, 'unset'), { recursive: true, force: true });
    if (hadCertsD === false) await rmdir(ENGINE_CERTS_D).catch(() => undefined);
    if (image) await docker(['rmi', image], { allowFailure: true });
    await registry?.stop();
    if (ca) await removeCa(ca);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('add warns; with CA and client certificate in place, push still fails and no client certificate reaches the registry', async () => {
    const made = await trustpatch(['registry', 'client-cert', '--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'lo-runner', '-o', join(work, 'client')]);
    assert.equal(made.code, 0, made.stderr);
    const added = await trustpatch(['registry', 'add', registry.address, '--ca', ca.certPath, '--client-cert', join(work, 'client', 'client.cert'), '--client-key', join(work, 'client', 'client.key')]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /is a loopback address: .*never reads certs\.d/);
    const push = await docker(['push', image], { allowFailure: true });
    assert.notEqual(push.code, 0);
    assert.match(registry.log(), /client didn't provide a certificate/);
  });
});
