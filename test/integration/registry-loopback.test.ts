import assert from 'node:assert/strict';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { docker } from '../support/containers.js';
import { startTestbed, type RegistryTestbed } from '../support/registry-e2e.js';

/**
 * The trap the loopback registry sets: Docker treats 127.0.0.0/8 as insecure, skips server
 * verification there and never reads certs.d (moby registry: newTLSConfig reads the directory
 * only for secure registries). So a loopback registry that requires client certificates cannot
 * be reached whatever certs.d holds; this pins down that behaviour and trustpatch's warning.
 */
describe('registry add on 127.0.0.1: the engine ignores certs.d for loopback registries', function () {
  let bed: RegistryTestbed;

  before(async function () {
    this.timeout(600_000);
    bed = await startTestbed('registry-lo', 'loopback');
  });

  after(async function () {
    this.timeout(120_000);
    await bed?.cleanup();
  });

  it('add warns; with CA and client certificate in place, push still fails and no client certificate reaches the registry', async () => {
    const { ca, work, registry, image } = bed;
    const made = await trustpatch([
      'registry',
      'client-cert',
      '--ca-cert',
      ca.certPath,
      '--ca-key',
      ca.keyPath,
      '--cn',
      'lo-runner',
      '-o',
      join(work, 'client'),
    ]);
    assert.equal(made.code, 0, made.stderr);
    const added = await trustpatch([
      'registry',
      'add',
      registry.address,
      '--ca',
      ca.certPath,
      '--client-cert',
      join(work, 'client', 'client.cert'),
      '--client-key',
      join(work, 'client', 'client.key'),
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /is a loopback address: .*never reads certs\.d/);
    const push = await docker(['push', image], { allowFailure: true });
    assert.notEqual(push.code, 0);
    assert.match(registry.log(), /client didn't provide a certificate/);
  });
});
