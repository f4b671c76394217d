import assert from 'node:assert/strict';
import { runJson } from '../support/cli.js';
import { execIn } from '../support/containers.js';
import {
  asBefore,
  curlExit,
  curlOverIpv6,
  snapshotFamily,
  linkTarget,
  pythonVerifies,
  subjectHashes,
  timesInBundle,
  timesInJks,
} from '../support/family-store.js';
import { dryRunPlans, failingUpdateRollsBack, familyFixture } from '../support/family-fixture.js';
import { addJson, checkRows } from '../support/trust-checks.js';
import { snapshotStore, storeDifferences } from '../support/trust-store.js';
import type { RemoveDoc, StatusDoc } from '../support/json-docs.js';

/**
 * The suse family on an image assembled from openSUSE's own update-ca-certificates and its
 * hooks on a Debian base (scripts/images/families.sh), with openSUSE Leap 15.6's os-release.
 * What it cannot show: docs/distributions.md.
 */
const UPDATE = '/usr/sbin/update-ca-certificates';
const STATE = '/var/lib/ca-certificates';
const LINKS: [string, string][] = [
  ['/etc/ssl/ca-bundle.pem', `../..${STATE}/ca-bundle.pem`],
  ['/etc/ssl/certs', `../..${STATE}/pem`],
];
const STORE = ['/etc/ssl', '/etc/pki/trust', STATE];
/** Rewritten by every java.run with the time of extraction in it: compared by its certificates after a remove. */
const JAVA = `${STATE}/java-cacerts`;

describe('suse family on an assembled image (openSUSE update-ca-certificates on a Debian base)', function () {
  this.timeout(600_000);
  const f = familyFixture('SUSE Family Root');
  const start = (user?: string) => f.start('assembled-leap15', user);

  /** The CA where each of SUSE's hooks puts it: proof that update-ca-certificates really ran. */
  async function everyStoreHoldsIt(id: string): Promise<void> {
    assert.equal(
      await timesInBundle(id, '/etc/ssl/ca-bundle.pem', f.fp),
      1,
      'certbundle.run: the compatibility bundle',
    );
    assert.equal(await timesInJks(id, `${STATE}/java-cacerts`, f.fp), 1, 'java.run: the Java store');
    for (const hash of await subjectHashes(f.ca.certPath)) {
      assert.ok(await linkTarget(id, `${STATE}/pem/${hash}.0`), `etc_ssl.run: ${STATE}/pem/${hash}.0`);
    }
    const openssl = (await execIn(id, ['sh', '-c', `ls ${STATE}/openssl | grep -c SUSE_Family_Root`])).stdout.trim();
    assert.equal(openssl, '1', 'openssl.run: the OpenSSL directory');
    for (const [path, target] of LINKS) assert.equal(await linkTarget(id, path), target, `${path} is still a link`);
    assert.equal(
      (await execIn(id, ['stat', '-c', '%a', STATE])).stdout.trim(),
      '555',
      'the state directory ends 0555, as the tool leaves it',
    );
  }

  it('add runs update-ca-certificates: anchor, bundle, hash links, OpenSSL dir and Java store hold the CA; curl and Python trust it; status; remove restores every file', async () => {
    const id = await start();
    const before = await snapshotFamily(id, STORE, JAVA);
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([row!.status, row!.family, row!.method], ['patched', 'suse', 'update-command'], output);
    assert.deepEqual(checkRows(row!.check.before), [[false, 'curl', null]]);
    assert.deepEqual(checkRows(row!.check.after), [[true, 'curl', 'tls']]);
    assert.match(
      (await execIn(id, ['ls', '/etc/pki/trust/anchors'])).stdout.trim(),
      /^SUSE_Family_Root-[0-9a-f]{8}\.crt$/,
    );
    await everyStoreHoldsIt(id);
    assert.equal(await curlExit(id, f.server.url), 0);
    assert.equal(await curlOverIpv6(id, f.server.port), 0, 'and over ::1, where the server listens too');
    for (const where of [{ cafile: '/etc/ssl/ca-bundle.pem' }, { capath: '/etc/ssl/certs' }]) {
      const python = await pythonVerifies(id, f.server.url, where);
      assert.equal(python.code, 0, `Python with ${JSON.stringify(where)}: ${python.stderr}`);
    }
    const status = await runJson<StatusDoc>(['status', id]);
    assert.equal(status.doc.containers[0]!.status, 'complete', status.output);

    const removed = await runJson<RemoveDoc>(['remove', f.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(removed.doc.containers[0]!.status, 'removed', removed.output);
    await asBefore(id, before, STORE, JAVA, 'every file and link as before the add');
    assert.equal(await curlExit(id, f.server.url), 60, 'curl refuses the server again');
    assert.equal((await runJson<StatusDoc>(['status', id])).doc.containers[0]!.status, 'clean');
  });

  it('non-root container: patched as user 0, the container user trusts the CA through the bundle and the hash directory', async () => {
    const id = await start('1000:1000');
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual(checkRows(row!.check.after), [[true, 'curl', 'tls']]);
    assert.equal(await curlExit(id, f.server.url, '1000:1000'), 0);
    assert.equal((await pythonVerifies(id, f.server.url, { capath: '/etc/ssl/certs' }, '1000:1000')).code, 0);
  });

  it('--dry-run plans the anchor and update-ca-certificates, changes nothing; dockerfile names the same', async () => {
    await dryRunPlans(f, await start(), {
      store: STORE,
      command: [UPDATE, '--fresh'],
      anchorDir: '/etc/pki/trust/anchors',
      prefix: 'SUSE_Family_Root',
    });
  });

  it('a bundle newer than the pem directory (as a restore through the archive API leaves it): the update still rebuilds it', async () => {
    const id = await start();
    // certbundle.run compares the two with `stat -c %Y`; only the time changes, not a byte.
    assert.equal((await execIn(id, ['touch', '-d', '+1 hour', `${STATE}/ca-bundle.pem`])).code, 0);
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([row!.status, row!.method], ['patched', 'update-command'], output);
    await everyStoreHoldsIt(id);
  });

  for (const [what, script, extra] of [
    ['does its work, then fails', `${UPDATE}.real "$@"\nexit 4`, []],
    ['hangs past --timeout', 'exec sleep 100000', ['--timeout', '8']],
  ] as const) {
    it(`update-ca-certificates ${what}: rolled back, every file as before; the real update then patches every store`, async () => {
      // A restored bundle is newer than the pem directory: certbundle.run skips its work then,
      // unless the update is run with --fresh (everyStoreHoldsIt proves it did not).
      await failingUpdateRollsBack(
        f,
        await start(),
        { program: UPDATE, script, extra },
        {
          snapshot: (id) => snapshotStore(id, STORE),
          unchanged: async (id, before) =>
            assert.deepEqual(
              storeDifferences(before, await snapshotStore(id, STORE)),
              [],
              'rolled back to the snapshot, the Java store byte for byte too',
            ),
        },
        everyStoreHoldsIt,
      );
    });
  }
});
