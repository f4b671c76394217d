import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import type { ExecOptions, FileToWrite } from '../../src/docker/container-client.js';
import { snapshotBundles } from '../../src/system-store/bundles.js';
import { EngineWait } from '../../src/docker/engine-drop.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { noChanges, rollBack } from '../../src/undo/rollback.js';
import { listStore } from '../../src/system-store/store-listing.js';
import type { ContainerResult } from '../../src/types.js';
import { FakeClient } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

/** Like the engine: exec needs a running container; the archive API does not. */
class StrictClient extends FakeClient {
  /** Fails every call like a socket whose engine went away, while true. */
  down = false;
  /** Makes the next putFiles write half of the first file, then fail like a full disk. */
  diskFull = false;

  override async exec(id: string, argv: readonly string[], options?: ExecOptions) {
    this.drop();
    const info = await super.inspect(id);
    if (!info.running) throw new Error(`(HTTP code 409) unexpected - Container ${id} is not running`);
    return super.exec(id, argv, options);
  }

  override async getArchive(id: string, path: string) {
    this.drop();
    return super.getArchive(id, path);
  }

  override async putFiles(id: string, files: readonly FileToWrite[]) {
    this.drop();
    if (!this.diskFull) return super.putFiles(id, files);
    this.diskFull = false;
    const first = files[0]!;
    await super.putFiles(id, [{ ...first, content: Buffer.from(first.content).subarray(0, 40) }]);
    throw new Error(
      `(HTTP code 500) server error - Error processing tar file(exit status 1): write ${first.path}: no space left on device`,
    );
  }

  private drop() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED /tmp/engine.sock'), { code: 'ECONNREFUSED' });
  }
}

const failed = (result: ContainerResult) =>
  result.status === 'failed' ? result : assert.fail(`expected failed, got ${result.status}`);

describe('rollback under faults (fake engine)', () => {
  let distro: TestCa;
  let corp: TestCa;
  // An incomplete rollback leaves an `unfinished` lock record behind on purpose: keep it out of the real lock directory.
  let lockDir: string;
  before(async () => {
    distro = await makeCa('Rollback Distro Root');
    corp = await makeCa('Rollback Corp Root');
    lockDir = await mkdtemp(join(tmpdir(), 'trustpatch-locks-test-'));
  });
  after(async () => {
    await Promise.all([distro, corp].map(removeCa));
    await rm(lockDir, { recursive: true, force: true });
  });

  function setup() {
    const client = new StrictClient();
    const container = client.add(fakeDebian('c1', [distro.pem]));
    const { certificates } = parseCertificates(Buffer.from(corp.pem), 'corp.pem');
    const installed = certificates.map((certificate) => ({ certificate, name: certificateName(certificate) }));
    const context: PatchContext = {
      client,
      certificates: installed,
      options: { checkUrls: [], install: 'auto', timeoutMs: 5_000, lockDir },
    };
    return {
      client,
      container,
      context,
      anchor: `${ANCHORS}/${installed[0]!.name}.crt`,
      original: container.files.get(BUNDLE)!,
    };
  }

  it('a full disk that cuts the bundle write short: the half-written bundle is restored byte for byte', async () => {
    const { client, container, context, original } = setup();
    // Without an update command the bundle is written first, by trustpatch itself.
    container.files.delete('/usr/sbin/update-ca-certificates');
    client.diskFull = true;
    const result = failed(
      await patchContainer({ ...context, options: { ...context.options, install: 'never' } }, container.info),
    );
    assert.deepEqual(container.writes, [BUNDLE, BUNDLE], 'the half-written bundle, then the restore');
    assert.match(result.reason, /no space left on device/);
    assert.equal(result.rollback, 'done');
    assert.ok(container.files.get(BUNDLE)!.equals(original));
  });

  it('a container killed during the update, after the anchor was written: bundle restored, the anchor named as left behind', async () => {
    const { container, context, anchor, original } = setup();
    // Killed while the update runs: the exec's stream ends with the container.
    const update = container.handler;
    container.handler = (argv, self, options) => {
      if (argv[0] !== '/usr/sbin/update-ca-certificates') return update(argv, self, options);
      self.info = { ...self.info, running: false, state: 'exited' };
      throw new Error(`(HTTP code 409) unexpected - Container ${self.info.id} is not running`);
    };
    const result = failed(await patchContainer(context, container.info));
    assert.match(result.reason, /^the container stopped \(exited\) during the patch/);
    assert.equal(result.rollback, 'incomplete');
    assert.ok(container.files.get(BUNDLE)!.equals(original), 'the bundle is byte-identical');
    assert.ok(
      result.warnings.some((w) =>
        w.includes(`the trust store still differs from before: ${ANCHORS}, ${anchor} (run trustpatch add again`),
      ),
      result.warnings.join('\n'),
    );
  });

  it('a container stopped between two steps, before the anchor: nothing written that cannot be undone', async () => {
    const { container, context, original } = setup();
    const steps: string[] = [];
    const result = failed(
      await patchContainer(
        {
          ...context,
          onProgress: (event) => {
            steps.push(event.step);
            if (event.step === 'writing certificate')
              container.info = { ...container.info, running: false, state: 'exited' };
          },
        },
        container.info,
      ),
    );
    assert.equal(result.reason, 'the container stopped (exited) during the patch');
    // With an update command, nothing is written before the anchor (the update rebuilds the bundle).
    assert.equal(result.rollback, 'not-needed');
    assert.ok(container.files.get(BUNDLE)!.equals(original));
    assert.deepEqual(
      [...container.files.keys()].filter((path) => path.startsWith(ANCHORS)),
      [],
    );
  });

  it('a store file the update rewrote with the same certificates (a p11-kit Java keystore): written back byte for byte, rollback done', async () => {
    // Found on the assembled SUSE image: java.run's keystore carries the time of each
    // extraction, so the rerun during a rollback never rewrote it as it was.
    const { client, container, original } = setup();
    const keystore = '/etc/ssl/certs/java/cacerts';
    container.write(keystore, 'JKS extracted at 10:00');
    const changes = noChanges('/bin/rm');
    changes.bundles = await snapshotBundles(client, 'c1', [BUNDLE]);
    changes.store = await listStore(client, 'c1', ['/etc/ssl/certs', ANCHORS]);
    container.write(BUNDLE, `${distro.pem}${corp.pem}`);
    changes.seeded = [BUNDLE];
    container.write(keystore, 'JKS extracted at 10:01');
    const warnings: string[] = [];
    assert.equal(await rollBack(client, 'c1', changes, warnings), 'done', warnings.join('\n'));
    assert.equal(container.files.get(keystore)!.toString(), 'JKS extracted at 10:00');
    assert.ok(container.files.get(BUNDLE)!.equals(original));
  });

  it('an engine that drops and comes back during the rollback: the rollback waits for it and completes', async () => {
    const { client, container, original } = setup();
    const changes = noChanges('/bin/rm');
    changes.bundles = await snapshotBundles(client, 'c1', [BUNDLE]);
    container.write(BUNDLE, `${distro.pem}${corp.pem}`);
    changes.seeded = [BUNDLE];
    client.down = true;
    let naps = 0;
    const engine = new EngineWait(30_000, async () => {
      naps += 1;
      if (naps === 3) client.down = false;
    });
    const warnings: string[] = [];
    assert.equal(await rollBack(client, 'c1', changes, warnings, engine), 'done', warnings.join('\n'));
    assert.ok(container.files.get(BUNDLE)!.equals(original));
    assert.equal(naps, 3);
  });

  it('an engine that stays away: the rollback gives up once, says so, and does not wait per step', async () => {
    const { client, container } = setup();
    const changes = noChanges('/bin/rm');
    changes.bundles = await snapshotBundles(client, 'c1', [BUNDLE]);
    changes.anchors = [`${ANCHORS}/x.crt`];
    changes.updateCommand = ['/usr/sbin/update-ca-certificates'];
    container.write(BUNDLE, `${distro.pem}${corp.pem}`);
    client.down = true;
    let clock = 0;
    const realNow = Date.now;
    Date.now = () => realNow() + clock;
    try {
      const engine = new EngineWait(30_000, async () => void (clock += 1_000));
      const warnings: string[] = [];
      assert.equal(await rollBack(client, 'c1', changes, warnings, engine), 'incomplete');
      assert.ok(warnings.some((w) => /ECONNREFUSED/.test(w)));
      assert.ok(clock <= 31_000, `waited ${clock} ms in all, not per step`);
    } finally {
      Date.now = realNow;
    }
  });
});
