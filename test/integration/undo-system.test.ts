import assert from 'node:assert/strict';
import { execIn, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { bundleFingerprints, copyOut } from '../support/trust-checks.js';
import { runJson } from '../support/cli.js';
import type { AddDoc, RemoveDoc, StatusDoc } from '../support/json-docs.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const MANIFEST = '/var/lib/trustpatch/manifest.json';

async function curlExit(id: string, url: string): Promise<number> {
  return (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', url])).code;
}

async function listing(id: string): Promise<string> {
  return (
    await execIn(id, [
      'sh',
      '-c',
      'for f in /etc/ssl/certs/* /usr/local/share/ca-certificates/*; do echo "$f -> $(readlink "$f")"; done',
    ])
  ).stdout;
}

describe('remove and status on real containers: add then remove leaves every bundle as it was', function () {
  const fx = caFixture('Undo Test Root');
  let other: TestCa;
  let otherServer: LocalHttpsServer;
  let fp: string;

  before(async () => {
    other = await makeCa('Someone Else Root');
    otherServer = await startHttpsServer(await makeServerCert(other));
    fp = await opensslFingerprint(fx.ca.certPath);
  });
  after(async () => {
    await otherServer?.close();
    if (other) await removeCa(other);
  });

  it('Debian: status clean -> add -> status complete -> remove: bundle and links byte-identical, curl fails again, record gone; a rerun is not present', async () => {
    const id = await fx.start(testImage('debian-curl'));
    const bundle = (await copyOut(id, BUNDLE))!;
    const links = await listing(id);
    const clean = await runJson<StatusDoc>(['status', id]);
    assert.equal(clean.code, 0, clean.output);
    assert.equal(clean.doc.containers[0]!.status, 'clean');

    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(add.code, 0, add.output);
    assert.equal(await curlExit(id, fx.server.url), 0);
    const manifest = JSON.parse((await copyOut(id, MANIFEST))!) as {
      entries: { fingerprint: string; anchor: string }[];
    };
    assert.deepEqual(
      manifest.entries.map((e) => e.fingerprint),
      [fp],
      'the record names the certificate by its SHA-256',
    );
    const status = await runJson<StatusDoc>(['status', id]);
    assert.equal(status.code, 0, status.output);
    const [row] = status.doc.containers;
    assert.equal(row!.status, 'complete', status.output);
    assert.deepEqual(
      row!.certificates[0]!.stores.filter((s) => s.store !== 'certifi' && s.store !== 'java').map((s) => [
        s.store,
        s.present,
      ]),
      [
        ['bundle', true],
        ['anchor', true],
      ],
    );

    const removed = await runJson<RemoveDoc>(['remove', fx.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(removed.doc.containers[0]!.status, 'removed', removed.output);
    assert.deepEqual(removed.doc.containers[0]!.counts, [
      {
        path: BUNDLE,
        before: (await bundleFingerprints(bundle)).length + 1,
        after: (await bundleFingerprints(bundle)).length,
      },
    ]);
    assert.equal(await copyOut(id, BUNDLE), bundle, 'the bundle is byte-identical to before the add');
    assert.equal(await listing(id), links, 'no link to the anchor is left in /etc/ssl/certs');
    assert.equal(await copyOut(id, MANIFEST), undefined, 'the record is deleted once nothing is left');
    assert.equal(await curlExit(id, fx.server.url), 60, 'curl rejects the server again');

    const again = await runJson<RemoveDoc>(['remove', fp.slice(0, 12), id]);
    assert.equal(again.code, 0, again.output);
    assert.equal(again.doc.containers[0]!.status, 'not-present');
    assert.equal(await copyOut(id, BUNDLE), bundle);
    const after = await runJson<StatusDoc>(['status', id]);
    assert.equal(after.doc.containers[0]!.status, 'clean', after.output);
  });

  it('Debian: keeps a certificate someone else added after trustpatch, and a copy of its own CA that it did not add', async () => {
    const id = await fx.start(testImage('debian-curl'));
    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--name', 'undo-root']);
    assert.equal(add.code, 0, add.output);
    // Someone else: their own CA, and the same CA as trustpatch's under another file name.
    await execIn(id, [
      'sh',
      '-c',
      `printf '%s' "$1" > /usr/local/share/ca-certificates/theirs.crt && printf '%s' "$2" > /usr/local/share/ca-certificates/same-as-trustpatch.crt && update-ca-certificates`,
      'sh',
      other.pem,
      fx.ca.pem,
    ]);
    const countBefore = (await bundleFingerprints((await copyOut(id, BUNDLE))!)).length;

    const removed = await runJson<RemoveDoc>(['remove', 'undo-root', id]);
    assert.equal(removed.code, 0, removed.output);
    const [row] = removed.doc.containers;
    assert.equal(row!.status, 'removed');
    assert.match(
      row!.left.join('\n'),
      /still holds undo-root: trustpatch did not add that copy/,
      'the copy it did not add is named',
    );
    const now = await bundleFingerprints((await copyOut(id, BUNDLE))!);
    assert.equal(now.length, countBefore - 1, 'exactly one certificate left the bundle');
    assert.ok(now.includes(await opensslFingerprint(other.certPath)), 'the other CA is still there');
    assert.equal(await curlExit(id, otherServer.url), 0, 'the other CA is still trusted');
    assert.equal(await curlExit(id, fx.server.url), 0, 'the copy someone else installed still makes the CA trusted');
    assert.equal(
      await copyOut(id, '/usr/local/share/ca-certificates/undo-root.crt'),
      undefined,
      "trustpatch's anchor is gone",
    );
    assert.ok(await copyOut(id, '/usr/local/share/ca-certificates/same-as-trustpatch.crt'), 'theirs is not');
  });

  for (const [image, command] of [
    ['alpine', ['sleep', '2147483647']],
    ['noshell', ['/pause']],
  ] as const) {
    it(`${image}: add (archive-only) then remove leaves the bundle byte-identical`, async () => {
      const id = await fx.start(testImage(image), { command: [...command] });
      const bundle = (await copyOut(id, BUNDLE))!;
      // --install never: apk would look up Alpine's public mirrors (tests stay on loopback).
      const add = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--timeout', '60', '--install', 'never']);
      assert.equal(add.code, 0, add.output);
      assert.equal(add.doc.containers[0]!.method, 'archive-only', add.output);
      assert.notEqual(await copyOut(id, BUNDLE), bundle);
      const status = await runJson<StatusDoc>(['status', id]);
      assert.equal(status.doc.containers[0]!.status, 'complete', status.output);

      const removed = await runJson<RemoveDoc>(['remove', fx.ca.certPath, id]);
      assert.equal(removed.code, 0, removed.output);
      assert.equal(await copyOut(id, BUNDLE), bundle, 'byte-identical to before the add');
      const [row] = removed.doc.containers;
      // Without rm the archive API cannot delete: the anchor is emptied, so no later update brings the CA back.
      assert.equal(row!.removed[0]!.anchor, image === 'noshell' ? 'emptied' : 'deleted');
      assert.equal(row!.record, image === 'noshell' ? 'emptied' : 'deleted');
      const after = await runJson<StatusDoc>(['status', id]);
      assert.equal(after.doc.containers[0]!.status, 'clean', after.output);
    });
  }
});
