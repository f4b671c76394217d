import assert from 'node:assert/strict';
import { runJson } from '../support/cli.js';
import { execIn } from '../support/containers.js';
import {
  asBefore,
  curlExit,
  curlOverIpv6,
  snapshotFamily,
  exists,
  linkTarget,
  pythonVerifies,
  subjectHashes,
  timesInBundle,
  timesInJks,
} from '../support/family-store.js';
import { dryRunPlans, failingUpdateRollsBack, familyFixture } from '../support/family-fixture.js';
import { addJson, checkRows } from '../support/trust-checks.js';
import { fileBytes, snapshotStore } from '../support/trust-store.js';
import type { RemoveDoc, StatusDoc } from '../support/json-docs.js';

/**
 * The rhel family on images assembled from Fedora's own update-ca-trust on a Debian base
 * (scripts/images/families.sh): Rocky 9 with curl and Python, Amazon Linux 2023 without any TLS
 * client, and the AlmaLinux micro shape without update-ca-trust. What they cannot show:
 * docs/distributions.md.
 */
const UPDATE = '/usr/bin/update-ca-trust';
const EXTRACTED = '/etc/pki/ca-trust/extracted';
const TLS_BUNDLE = `${EXTRACTED}/pem/tls-ca-bundle.pem`;
/** Every file RHEL's clients read the TLS roots from, and the links the package lays down. */
const BUNDLES = [TLS_BUNDLE, '/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/tls/cert.pem', '/etc/ssl/cert.pem'];
const LINKS: [string, string][] = [
  ['/etc/pki/tls/certs/ca-bundle.crt', TLS_BUNDLE],
  ['/etc/pki/tls/cert.pem', TLS_BUNDLE],
  ['/etc/ssl/cert.pem', TLS_BUNDLE],
  ['/etc/ssl/certs', '/etc/pki/tls/certs'],
  ['/etc/pki/java/cacerts', `${EXTRACTED}/java/cacerts`],
];
const STORE = ['/etc/pki', '/etc/ssl'];
/** Rewritten by every update-ca-trust with the time of extraction in it: compared by its certificates. */
const JAVA = `${EXTRACTED}/java/cacerts`;

describe('rhel family on assembled images (Fedora update-ca-trust on a Debian base)', function () {
  this.timeout(600_000);
  const f = familyFixture('RHEL Family Root');
  const start = (image: string, user?: string) => f.start(image, user);

  async function linksAreLinks(id: string): Promise<void> {
    for (const [path, target] of LINKS)
      assert.equal(await linkTarget(id, path), target, `${path} is still a link to ${target}`);
  }

  it('Rocky 9: add runs update-ca-trust; every bundle, the hash links, the Java store hold the CA once; curl and Python trust it; status; remove restores every file', async () => {
    const id = await start('assembled-rocky9');
    const before = await snapshotFamily(id, STORE, JAVA);
    assert.equal(await curlExit(id, f.server.url), 60, 'curl refuses the server before');

    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([row!.status, row!.family, row!.method], ['patched', 'rhel', 'update-command'], output);
    assert.deepEqual(checkRows(row!.check.before), [[false, 'curl', null]]);
    assert.deepEqual(checkRows(row!.check.after), [[true, 'curl', 'tls']]);

    const anchors = (await execIn(id, ['ls', '/etc/pki/ca-trust/source/anchors'])).stdout.trim().split('\n');
    assert.equal(anchors.length, 1, anchors.join(' '));
    assert.match(anchors[0]!, /^RHEL_Family_Root-[0-9a-f]{8}\.crt$/);
    for (const bundle of BUNDLES) assert.equal(await timesInBundle(id, bundle, f.fp), 1, `${bundle} holds the CA once`);
    // Only update-ca-trust itself writes these: proof that the family's command really ran.
    assert.equal(await timesInBundle(id, `${EXTRACTED}/pem/email-ca-bundle.pem`, f.fp), 1);
    assert.equal(
      await timesInJks(id, `${EXTRACTED}/java/cacerts`, f.fp),
      1,
      'the Java store update-ca-trust writes holds the CA',
    );
    for (const hash of await subjectHashes(f.ca.certPath)) {
      const target = await linkTarget(id, `/etc/pki/tls/certs/${hash}.0`);
      assert.ok(target?.startsWith(`${EXTRACTED}/pem/directory-hash/`), `/etc/pki/tls/certs/${hash}.0 -> ${target}`);
    }
    await linksAreLinks(id);

    assert.equal(
      await curlExit(id, f.server.url),
      0,
      'curl (CURL_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt) trusts the server',
    );
    assert.equal(await curlOverIpv6(id, f.server.port), 0, 'and over ::1, where the server listens too');
    for (const where of [
      { cafile: '/etc/pki/tls/certs/ca-bundle.crt' },
      { cafile: '/etc/pki/tls/cert.pem' },
      { capath: '/etc/pki/tls/certs' },
      { capath: '/etc/ssl/certs' },
    ]) {
      const python = await pythonVerifies(id, f.server.url, where);
      assert.equal(python.code, 0, `Python with ${JSON.stringify(where)}: ${python.stderr}`);
    }

    const status = await runJson<StatusDoc>(['status', id]);
    assert.equal(status.code, 0, status.output);
    assert.equal(status.doc.containers[0]!.status, 'complete', status.output);

    const removed = await runJson<RemoveDoc>(['remove', f.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(removed.doc.containers[0]!.status, 'removed', removed.output);
    await asBefore(id, before, STORE, JAVA, 'every file and link under /etc/pki and /etc/ssl is as before the add');
    await linksAreLinks(id);
    assert.equal(await curlExit(id, f.server.url), 60, 'curl refuses the server again');
    assert.equal((await runJson<StatusDoc>(['status', id])).doc.containers[0]!.status, 'clean');
  });

  it('Rocky 9, non-root container: patched as user 0, checked as the container user, who trusts the CA', async () => {
    const id = await start('assembled-rocky9', '1000:1000');
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([row!.status, row!.method], ['patched', 'update-command'], output);
    assert.deepEqual(checkRows(row!.check.after), [[true, 'curl', 'tls']]);
    assert.equal(await curlExit(id, f.server.url, '1000:1000'), 0);
    const python = await pythonVerifies(id, f.server.url, { capath: '/etc/pki/tls/certs' }, '1000:1000');
    assert.equal(python.code, 0, python.stderr);
  });

  it('Rocky 9: --dry-run plans the anchor and update-ca-trust and changes nothing; dockerfile names the same', async () => {
    await dryRunPlans(f, await start('assembled-rocky9'), {
      store: STORE,
      command: [UPDATE, 'extract'],
      anchorDir: '/etc/pki/ca-trust/source/anchors',
      prefix: 'RHEL_Family_Root',
    });
  });

  for (const [what, script, extra] of [
    ['does its work, then fails', `${UPDATE}.real "$@"\nexit 4`, []],
    ['hangs past --timeout', 'exec sleep 100000', ['--timeout', '8']],
  ] as const) {
    it(`Rocky 9: update-ca-trust ${what}: rolled back, every file as before, curl still refuses; the real update then patches`, async () => {
      await failingUpdateRollsBack(
        f,
        await start('assembled-rocky9'),
        { program: UPDATE, script, extra },
        {
          snapshot: (id) => snapshotFamily(id, STORE, JAVA),
          unchanged: (id, before) => asBefore(id, before, STORE, JAVA, 'rolled back to the snapshot'),
        },
        async (id) => {
          for (const bundle of BUNDLES) assert.equal(await timesInBundle(id, bundle, f.fp), 1, bundle);
        },
      );
    });
  }

  it('Amazon Linux 2023 without any TLS client: patched by update-ca-trust, the check says it cannot run, every bundle holds the CA', async () => {
    const id = await start('assembled-al2023');
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
    assert.deepEqual([row?.status, row?.family, row?.method], ['patched', 'rhel', 'update-command'], output);
    assert.equal(code, 0, output);
    assert.deepEqual(
      checkRows(row!.check.after),
      [[false, null, 'bundle']],
      'no client ran: only the bundles were verified',
    );
    assert.match(row!.check.after!.detail, /^bundle verified: .*no TLS client/, output);
    for (const bundle of BUNDLES) assert.equal(await timesInBundle(id, bundle, f.fp), 1, bundle);
    assert.equal(await timesInJks(id, `${EXTRACTED}/java/cacerts`, f.fp), 1);
    await linksAreLinks(id);
  });

  it('AlmaLinux micro shape (no update-ca-trust, no bundle): archive-only, a bundle at each path RHEL clients read; remove takes them away', async () => {
    const id = await start('assembled-alma9-micro');
    const before = await snapshotStore(id, ['/etc/pki']);
    const {
      code,
      containers: [row],
      output,
    } = await addJson([f.ca.certPath, id]);
    assert.equal(code, 0, output);
    assert.deepEqual([row!.status, row!.family, row!.method], ['patched', 'rhel', 'archive-only'], output);
    // curl reads ca-bundle.crt, OpenSSL (Python, Ruby) cert.pem, Go any of them.
    for (const bundle of [TLS_BUNDLE, '/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/tls/cert.pem']) {
      assert.ok(await fileBytes(id, bundle), `${bundle} is there`);
      assert.equal(await timesInBundle(id, bundle, f.fp), 1, `${bundle} holds the CA`);
    }
    assert.equal(
      (await execIn(id, ['ls', '/etc/pki/ca-trust/source/anchors'])).stdout.trim().split('\n').length,
      1,
      'the anchor is kept for a later update-ca-trust',
    );

    const removed = await runJson<RemoveDoc>(['remove', f.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(removed.doc.containers[0]!.status, 'removed', removed.output);
    for (const bundle of [TLS_BUNDLE, '/etc/pki/tls/certs/ca-bundle.crt', '/etc/pki/tls/cert.pem'])
      assert.equal(await exists(id, bundle), false, `${bundle} is gone again`);
    const after = await snapshotStore(id, ['/etc/pki']);
    assert.deepEqual(
      [...before].filter(([path, kind]) => after.get(path) !== kind),
      [],
      'what /etc/pki held before is as it was',
    );
  });
});
