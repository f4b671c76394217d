import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trustpatch } from '../support/cli.js';
import { docker, SESSION_ID } from '../support/containers.js';
import { makeCa, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { ENGINE_CERTS_D, prepareRegistryTest, SOURCE_IMAGE } from '../support/registry-e2e.js';
import { makeServerCertFor } from '../support/registry-pki.js';
import { createNetns, startRegistry, type Netns, type RunningRegistry } from '../support/registry-server.js';

const run = promisify(execFile);

async function imageId(ref: string): Promise<string> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}

/**
 * What the engine does with a registry on 198.18.N.2 (a namespace of the test's own, see
 * registry-server.ts) that requires client certificates, as `trustpatch registry add` configures
 * it. The steps build on each other and run in order.
 */
describe('registry add, end to end: a real docker push and pull through certs.d', function () {
  let work: string;
  let ca: TestCa;
  let netns: Netns;
  let registry: RunningRegistry;
  let image: string;
  let dir: string;
  let hadCertsD: boolean;

  before(async function () {
    this.timeout(600_000);
    await prepareRegistryTest();
    hadCertsD = await stat(ENGINE_CERTS_D).then(() => true, () => false);
    work = await mkdtemp(join(tmpdir(), 'trustpatch-registry-e2e-'));
    ca = await makeCa('E2E Registry CA');
    netns = await createNetns();
    const server = await makeServerCertFor(ca, 'registry-e2e', [netns.address]);
    registry = await startRegistry({ dir: work, host: netns.address, port: 5443, netns: netns.name, tls: { certPath: server.certPath, keyPath: server.keyPath, clientCaPath: ca.certPath } });
    dir = join(ENGINE_CERTS_D, registry.address);
    image = `${registry.address}/trustpatch-e2e:${SESSION_ID}`;
    await docker(['tag', SOURCE_IMAGE, image]);
    const made = await trustpatch(['registry', 'client-cert', '--ca-cert', ca.certPath, '--ca-key', ca.keyPath, '--cn', 'e2e-runner', '-o', join(work, 'client')]);
    assert.equal(made.code, 0, made.stderr);
  });

  after(async function () {
    this.timeout(120_000);
    await rm(dir ?? join(ENGINE_CERTS_D, 'unset'), { recursive: true, force: true });
    if (hadCertsD === false) await rmdir(ENGINE_CERTS_D).catch(() => undefined); // only if it is empty again
    if (image) await docker(['rmi', image], { allowFailure: true });
    await registry?.stop();
    await netns?.remove();
    if (ca) await removeCa(ca);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('before: push and pull fail, the engine does not trust the registry’s CA', async () => {
    for (const verb of ['push', 'pull']) {
      const result = await docker([verb, image], { allowFailure: true });
      assert.notEqual(result.code, 0, verb);
      assert.match(result.stderr, /x509: certificate signed by unknown authority/, verb);
    }
  });

  it('with only the CA (registry add --ca): the server is trusted, and the registry refuses the engine for lack of a client certificate', async () => {
    const added = await trustpatch(['registry', 'add', registry.address, '--ca', ca.certPath]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(await opensslFingerprint(join(dir, 'ca.crt')), await opensslFingerprint(ca.certPath));
    const push = await docker(['push', image], { allowFailure: true });
    assert.notEqual(push.code, 0);
    assert.doesNotMatch(push.stderr, /unknown authority/);
    assert.match(push.stderr, /remote error: tls: bad certificate/);
    assert.match(registry.log(), /client didn't provide a certificate/);
  });

  it('with the client certificate from registry client-cert: push and pull succeed', async () => {
    const client = join(work, 'client');
    const added = await trustpatch(['registry', 'add', registry.address, '--ca', ca.certPath, '--client-cert', join(client, 'client.cert'), '--client-key', join(client, 'client.key')]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /skipped .*ca\.crt/);
    assert.deepEqual((await readdir(dir)).sort(), ['ca.crt', 'client.cert', 'client.key']);
    assert.equal((await stat(join(dir, 'client.key'))).mode & 0o777, 0o600);

    const push = await docker(['push', image], { allowFailure: true });
    assert.equal(push.code, 0, push.stderr);
    const original = await imageId(SOURCE_IMAGE);
    await docker(['rmi', image]);
    const pull = await docker(['pull', image], { allowFailure: true });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(await imageId(image), original, 'the pulled image is the one pushed');
  });

  it('lint finds nothing wrong in the directory registry add wrote', async () => {
    // A copy (modes kept): the machine's certs.d may hold other registries that are not this test's.
    const copy = join(work, 'certs.d');
    await mkdir(copy);
    await run('cp', ['-a', dir, copy]);
    const lint = await trustpatch(['registry', 'lint', copy]);
    assert.equal(lint.code, 0, lint.stdout);
    assert.match(lint.stdout, /1 registry\): no problems found/);
  });

  it('after removing the client certificate files: push and pull fail again', async () => {
    await rm(join(dir, 'client.cert'));
    await rm(join(dir, 'client.key'));
    const push = await docker(['push', image], { allowFailure: true });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /remote error: tls: bad certificate/);
    await docker(['rmi', image]);
    const pull = await docker(['pull', image], { allowFailure: true });
    assert.notEqual(pull.code, 0);
    assert.match(pull.stderr, /remote error: tls: bad certificate/);
  });
});
