import { strict as assert } from 'node:assert';
import { startTrustpatch, trustpatch, waitFor } from '../support/cli.js';
import { testImage } from '../support/containers.js';
import { tempPemFile, type TempPem } from '../support/temp-pem.js';
import { DEBIAN_BUNDLE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

const RECORD = '/var/lib/trustpatch/manifest.json';

/**
 * Temporary trust on a real engine: `add --for` reverts at expiry, `--until-interrupt` on
 * SIGINT (a second one during the revert is answered, not obeyed), and after a kill -9 `status`
 * names the expired patch and `remove --expired` restores the store byte for byte.
 */
describe('add --for / --until-interrupt: temporary trust that reverts', function () {
  const fx = caFixture('Temporary Proxy CA', { server: false });
  this.timeout(300_000);
  let caFile: TempPem;

  before(async () => {
    caFile = await tempPemFile(fx.ca.pem);
  });
  after(async () => {
    await caFile?.remove();
  });

  async function container(): Promise<string> {
    const id = await fx.start(testImage('debian-curl'));
    return id;
  }

  const holds = async (id: string) =>
    (await fileBytes(id, DEBIAN_BUNDLE))!.toString('latin1').includes(fx.ca.pem.trim());

  it('--for reverts exactly on expiry: the store is byte-identical to before, and both reports are printed', async () => {
    const id = await container();
    const before = await snapshotStore(id);
    // The time counts from the start: long enough for the patch and a look at it on a loaded machine.
    const run = startTrustpatch(['add', caFile.path, id, '--for', '40s']);
    await waitFor('the holding line', async () => run.output().stdout.includes('temporary: '), 120_000);
    assert.ok(await holds(id), 'the CA is in the bundle during the session');
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(
      result.stdout,
      /temporary: .* trusts this CA until \d{4}-\d\d-\d\dT.*Z \(\d+s\), or Ctrl-C \/ SIGTERM/,
    );
    assert.match(result.stdout, /1 patched/);
    assert.match(result.stdout, /reverting \(the time is up\)/);
    assert.match(result.stdout, /1 removed/);
    assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
    assert.equal(await fileBytes(id, RECORD), undefined);
  });

  it('--until-interrupt reverts on SIGINT, and a second SIGINT during the revert does not abandon it', async () => {
    const id = await container();
    const before = await snapshotStore(id);
    const run = startTrustpatch(['add', caFile.path, id, '--until-interrupt']);
    // The record is the patch's last step: once the session holds, it is there.
    await waitFor('the holding line', async () => run.output().stdout.includes('until Ctrl-C or SIGTERM'), 120_000);
    assert.ok(await holds(id), 'the CA is in the bundle during the session');
    // The record carries the session: no expiry time, the pid that will revert it.
    const record = JSON.parse((await fileBytes(id, RECORD))!.toString('utf8')) as {
      entries: { temporary?: { expiresAt: string | null; pid: number } }[];
    };
    assert.equal(record.entries[0]!.temporary?.expiresAt, null);
    assert.equal(record.entries[0]!.temporary?.pid, run.pid);
    run.signal('SIGINT');
    await waitFor('the revert to start', async () => run.output().stdout.includes('reverting (interrupted)'), 60_000);
    run.signal('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stderr, /still reverting .*never left half reverted/);
    assert.match(result.stdout, /1 removed/);
    assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
  });

  it('after kill -9, status names the expired patch and remove --expired restores the store byte for byte', async () => {
    const id = await container();
    const before = await snapshotStore(id);
    const run = startTrustpatch(['add', caFile.path, id, '--for', '1h']);
    await waitFor('the temporary patch', async () => run.output().stdout.includes('temporary: '), 120_000);
    run.signal('SIGKILL');
    await run.done;
    assert.ok(await holds(id), 'killed before its revert, the CA is still there');
    const status = await trustpatch(['status', id]);
    assert.match(
      status.stdout,
      /expired temporary trust \(its session ended without reverting it \(trustpatch pid \d+ on .* is gone\)\); `trustpatch remove --expired /,
    );
    const removed = await trustpatch(['remove', '--expired', id]);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.match(removed.stdout, /1 removed/);
    assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
    const again = await trustpatch(['status', id]);
    assert.doesNotMatch(again.stdout, /temporary/);
  });
});
