import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import { isProgramProbe } from '../../src/patch/probe-cache.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import type { PatchOptions } from '../../src/types.js';
import { FakeClient } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';
import { isProcessScan } from '../../src/runtimes/scan.js';

describe('patching one container (fake engine)', () => {
  let distro: TestCa[];
  let corp: TestCa;
  const options: PatchOptions = { checkUrls: [], install: 'auto', timeoutMs: 1000 };

  before(async () => {
    distro = [await makeCa('Distro Root One'), await makeCa('Distro Root Two')];
    corp = await makeCa('Corp Proxy Root');
  });
  after(async () => Promise.all([...distro, corp].map(removeCa)));

  function setup(checkUrls: string[] = []) {
    const client = new FakeClient();
    const container = client.add(
      fakeDebian(
        'c1',
        distro.map((ca) => ca.pem),
        { curl: (bundle) => bundle.includes(corp.pem) },
      ),
    );
    const { certificates } = parseCertificates(Buffer.from(corp.pem), 'corp.pem');
    const context: PatchContext = {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
      options: { ...options, checkUrls },
      readChain: async () => Promise.reject(new Error('no server in unit tests')),
    };
    return { client, container, context, anchor: `${ANCHORS}/${certificateName(certificates[0]!)}.crt` };
  }

  it('writes the anchor, runs the update, and shows the check going from curl 60 to ok', async () => {
    const { container, context, anchor } = setup(['https://127.0.0.1:8443/']);
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(container.read(anchor), corp.pem);
    assert.ok(container.read(BUNDLE)!.includes(corp.pem));
    assert.deepEqual(
      result.check.before.map((c) => [c.tool, c.exitCode, c.detail.startsWith('curl: (60) ')]),
      [['curl', 60, true]],
    );
    assert.deepEqual(
      result.check.after.map((c) => c.ok),
      [true],
    );
    assert.ok(container.execs.some((argv) => argv[0] === '/usr/sbin/update-ca-certificates'));
  });

  it('reports already-trusted on a second run and runs nothing but the read-only probe of programs', async () => {
    const { container, context } = setup();
    await patchContainer(context, container.info);
    const execsBefore = container.execs.length;
    const second = await patchContainer(context, container.info);
    assert.equal(second.status, 'already-trusted');
    // Only the read-only probe of programs (src/patch/probe-cache.ts) runs.
    assert.deepEqual(
      container.execs.slice(execsBefore).filter((argv) => !isProgramProbe(argv)),
      [],
    );
    assert.equal(container.read(BUNDLE)!.split(corp.pem).length - 1, 1);
  });

  it('rolls back when the update shrinks the bundle', async () => {
    const { container, context, anchor } = setup();
    const original = container.files.get(BUNDLE)!;
    const update = container.handler;
    let first = true;
    container.handler = (argv, self, opts) => {
      if (argv[0] === '/usr/sbin/update-ca-certificates' && first) {
        first = false;
        self.write(BUNDLE, corp.pem); // lost both distribution roots (rancher/k3os#518)
        return { exitCode: 0 };
      }
      return update(argv, self, opts);
    };
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed');
    assert.match(result.status === 'failed' ? result.reason : '', /lost 2 certificate/);
    assert.equal(result.status === 'failed' ? result.rollback : '', 'done');
    assert.ok(container.files.get(BUNDLE)!.equals(original), 'bundle is byte-identical to before');
    assert.equal(container.files.has(anchor), false);
  });

  it('rolls back when the check still fails after the update', async () => {
    const { container, context } = setup(['https://127.0.0.1:8443/']);
    const original = container.files.get(BUNDLE)!;
    const update = container.handler;
    container.handler = (argv, self, opts) =>
      argv[0] === '/usr/bin/curl'
        ? { exitCode: 60, stderr: 'curl: (60) SSL certificate problem\n' }
        : update(argv, self, opts);
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed');
    assert.match(result.status === 'failed' ? result.reason : '', /still fails/);
    assert.ok(container.files.get(BUNDLE)!.equals(original));
  });

  it('refuses a read-only root filesystem without writing', async () => {
    const { container, context } = setup();
    container.info = { ...container.info, readOnlyRootfs: true };
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed');
    assert.match(result.status === 'failed' ? result.reason : '', /read-only root filesystem/);
    assert.deepEqual(container.writes, []);
  });

  it('skips a stopped or paused container with its state', async () => {
    const { container, context } = setup();
    const stopped = await patchContainer(context, { ...container.info, running: false, state: 'exited' });
    assert.equal(stopped.status === 'skipped' && stopped.reason, 'container is exited');
    const paused = await patchContainer(context, { ...container.info, running: false, paused: true, state: 'paused' });
    assert.equal(paused.status === 'skipped' && paused.reason, 'container is paused');
    assert.deepEqual(
      container.execs.filter((argv) => !isProcessScan(argv) && !isProgramProbe(argv)),
      [],
    );
  });

  it('installs ca-certificates with apt-get when the update command is missing', async () => {
    const { container, context } = setup();
    container.files.delete('/usr/sbin/update-ca-certificates');
    container.write('/usr/bin/apt-get', 'ELF');
    const update = container.handler;
    container.handler = (argv, self, opts) => {
      if (argv[0] === '/usr/bin/apt-get') {
        assert.ok(opts.env?.includes('DEBIAN_FRONTEND=noninteractive'));
        assert.equal(opts.timeoutMs, 1000, 'the install runs with the timeout');
        if (argv[1] === 'install') self.write('/usr/sbin/update-ca-certificates', '#!/bin/sh\n');
        return { exitCode: 0 };
      }
      return update(argv, self, opts);
    };
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'update-command');
    assert.deepEqual(
      container.execs.filter((a) => a[0] === '/usr/bin/apt-get').map((a) => a[1]),
      ['update', 'install'],
    );
  });

  it('with --install never and no update command, patches the bundle through the archive API and keeps the anchor', async () => {
    const { container, context, anchor } = setup();
    container.files.delete('/usr/sbin/update-ca-certificates');
    const result = await patchContainer(
      { ...context, options: { ...context.options, install: 'never' } },
      container.info,
    );
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'archive-only');
    assert.equal(container.read(BUNDLE)!.split(corp.pem).length - 1, 1);
    assert.ok(
      container.read(BUNDLE)!.startsWith(distro.map((ca) => ca.pem).join('')),
      'the distribution certificates are kept, in order',
    );
    assert.equal(container.read(anchor), corp.pem);
    assert.deepEqual(
      container.execs.filter((argv) => !isProcessScan(argv) && !isProgramProbe(argv)),
      [],
    );
  });
});
