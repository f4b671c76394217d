import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trustpatch } from '../support/cli.js';
import { docker } from '../support/containers.js';
import { opensslFingerprint, type TestCa } from '../support/pki.js';
import { SOURCE_IMAGE, startTestbed, type RegistryTestbed } from '../support/registry-e2e.js';
import type { RunningRegistry } from '../support/registry-server.js';

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
  let bed: RegistryTestbed;
  let registry: RunningRegistry;
  let image: string;
  let dir: string;
  let ca: TestCa;
  let work: string;

  before(async function () {
    this.timeout(600_000);
    bed = await startTestbed('registry-e2e', 'netns');
    ({ registry, image, dir, ca, work } = bed);
    const made = await trustpatch([
      'registry',
      'client-cert',
      '--ca-cert',
      ca.certPath,
      '--ca-key',
      ca.keyPath,
      '--cn',
      'e2e-runner',
      '-o',
      join(work, 'client'),
    ]);
    assert.equal(made.code, 0, made.stderr);
  });

  after(async function () {
    this.timeout(120_000);
    await bed?.cleanup();
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
    const added = await trustpatch([
      'registry',
      'add',
      registry.address,
      '--ca',
      ca.certPath,
      '--client-cert',
      join(client, 'client.cert'),
      '--client-key',
      join(client, 'client.key'),
    ]);
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
