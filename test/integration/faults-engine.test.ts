import assert from 'node:assert/strict';
import { runAdd } from '../../src/commands/add/run.js';
import { connect } from '../../src/docker/connect.js';
import type { ContainerResult } from '../../src/types.js';
import { waitFor } from '../support/cli.js';
import { SESSION_ID, SESSION_LABEL, testImage } from '../support/containers.js';
import { FaultClient, type Call } from '../support/fault-client.js';
import { ThrowawayEngine } from '../support/second-engine.js';
import { DEBIAN_BUNDLE, DEBIAN_STORE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';
import { isUpdateAndRead } from '../../src/update/update-and-read.js';

const UPDATE = '/usr/sbin/update-ca-certificates';
// The update runs on its own, or first in the exec that then reads the store (src/update/update-and-read.ts);
// the program probe names it too, but only as a path to look for.
const isUpdate = (call: Call) =>
  call.kind === 'exec' &&
  (call.argv?.[0] === UPDATE || (isUpdateAndRead(call.argv ?? []) && call.argv!.includes(UPDATE)));
const isRm = (call: Call) => call.kind === 'exec' && /\/rm$/.test(call.argv?.[0] ?? '');
const selector = (id: string) => ({ names: [id], labels: [], filters: [], all: false });
const failed = (result: ContainerResult | undefined) =>
  result?.status === 'failed' ? result : assert.fail(`expected failed: ${JSON.stringify(result)}`);

/**
 * The engine connection drops in the middle of a run: a throwaway dockerd (not the machine's
 * shared one) is killed while the update command runs in the container, deterministically
 * (the command announces itself, then the engine dies). With --live-restore the container
 * survives the engine. Either the engine is back while the rollback is still trying (it then
 * completes), or it is not (the report says the rollback is incomplete); a rerun finishes.
 */
describe('faults: the engine connection drops in the middle of a run', function () {
  const fx = caFixture('Engine Drop Root', { server: false });
  this.timeout(900_000);
  let engine: ThrowawayEngine;

  before(async () => {
    engine = await ThrowawayEngine.start();
    await engine.load(testImage('debian-curl'));
  });
  after(async () => {
    await engine?.stop();
  });

  /** A container whose next update call announces itself and then hangs; later calls are real. */
  async function container(): Promise<string> {
    const started = await engine.docker([
      'run',
      '-d',
      '--network',
      'none',
      '--label',
      `${SESSION_LABEL}=${SESSION_ID}`,
      testImage('debian-curl'),
      'sleep',
      '2147483647',
    ]);
    assert.equal(started.code, 0, started.stderr);
    const id = started.stdout.trim();
    const script = `#!/bin/sh\nif [ -e /tmp/slow ]; then rm -f /tmp/slow; touch /tmp/update-started; exec sleep 600; fi\nexec ${UPDATE}.real "$@"\n`;
    for (const argv of [
      ['mv', UPDATE, `${UPDATE}.real`],
      ['sh', '-c', 'printf "%s" "$1" > "$2" && chmod 755 "$2"', 'sh', script, UPDATE],
      ['touch', '/tmp/slow'],
    ]) {
      assert.equal((await engine.docker(['exec', id, ...argv])).code, 0);
    }
    return id;
  }

  const killWhenUpdating = (id: string) => async () => {
    await waitFor(
      'the update to start',
      async () => (await engine.docker(['exec', id, 'test', '-e', '/tmp/update-started'])).code === 0,
      60_000,
    );
    await engine.kill();
  };

  async function rerunFinishes(id: string, warning?: RegExp): Promise<void> {
    const rerun = await runAdd({ certificate: fx.ca.certPath, selector: selector(id), hosts: [engine.host] });
    const result = rerun.results[0]!;
    assert.equal(result.status, 'patched', JSON.stringify(result));
    if (warning) assert.match(result.warnings.join('\n'), warning);
    const bundle = (await fileBytes(id, DEBIAN_BUNDLE, engine.host))!.toString('latin1');
    assert.equal(bundle.split(fx.ca.pem.trim()).length - 1, 1, 'the CA is in the bundle exactly once');
    assert.equal(
      (await engine.docker(['exec', id, 'sh', '-c', 'ls /etc/ssl/certs | grep -c "^Engine_Drop_Root-"'])).stdout.trim(),
      '1',
      'the update ran',
    );
  }

  it('the engine is back while the rollback retries: rolled back exactly, then a rerun patches', async () => {
    const id = await container();
    const before = await snapshotStore(id, DEBIAN_STORE, engine.host);
    const client = new FaultClient(connect({ host: engine.host, origin: 'the throwaway engine' }))
      .during('engine killed under the update', isUpdate, killWhenUpdating(id))
      .afterFailure('engine started again once the rollback found it gone', isRm, () => engine.launch());
    const report = await runAdd({ certificate: fx.ca.certPath, selector: selector(id), client });
    assert.deepEqual(client.errors, []);
    assert.deepEqual(client.fired, [
      'engine killed under the update',
      'engine started again once the rollback found it gone',
    ]);
    const result = failed(report.results[0]);
    assert.match(result.reason, new RegExp(`^lost the connection to the engine at ${engine.host}`));
    assert.equal(result.rollback, 'done', result.warnings.join('\n'));
    assert.deepEqual(
      storeDifferences(before, await snapshotStore(id, DEBIAN_STORE, engine.host)),
      [],
      'every entry of the trust store is as before',
    );
    await rerunFinishes(id);
  });

  it('the engine stays away past the rollback: the report says incomplete, and a rerun once it is back finishes the job', async () => {
    const id = await container();
    const before = await snapshotStore(id, DEBIAN_STORE, engine.host);
    const client = new FaultClient(connect({ host: engine.host, origin: 'the throwaway engine' })).during(
      'engine killed under the update',
      isUpdate,
      killWhenUpdating(id),
    );
    const report = await runAdd({ certificate: fx.ca.certPath, selector: selector(id), client });
    assert.deepEqual(client.errors, []);
    const result = failed(report.results[0]);
    assert.match(result.reason, /^lost the connection to the engine/);
    assert.equal(result.rollback, 'incomplete');
    assert.match(result.warnings.join('\n'), /rollback: .* failed: .*(ECONNREFUSED|ENOENT)/);
    await engine.launch();
    assert.notDeepEqual(
      storeDifferences(before, await snapshotStore(id, DEBIAN_STORE, engine.host)),
      [],
      'half-patched, as the report said',
    );
    await rerunFinishes(id, /an earlier run did not finish \(lost the connection to the engine/);
  });
});
