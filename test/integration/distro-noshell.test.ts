import assert from 'node:assert/strict';
import { testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { addJson, bundleFingerprints, checkRows, copyOut, occurrences } from '../support/trust-checks.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ANCHOR = '/usr/local/share/ca-certificates/corp-root.crt';

describe('an image without any shell (static /pause plus a bundle; os-release says debian)', function () {
  const fx = caFixture('No Shell Test Root');
  after(async () => {});

  it('--dry-run changes nothing; then the bundle is patched through the archive API alone; a rerun is already trusted', async () => {
    const id = await fx.start(testImage('noshell'), { command: ['/pause'] });
    const original = (await copyOut(id, BUNDLE))!;

    const dry = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url, '--name', 'corp-root', '--dry-run']);
    assert.equal(dry.code, 0, dry.output);
    assert.equal(dry.containers[0]!.status, 'planned');
    assert.deepEqual(
      dry.containers[0]!.plan,
      { family: 'debian', files: [BUNDLE, ANCHOR], commands: [], check: null },
      'nothing can run in it',
    );
    assert.equal(await copyOut(id, BUNDLE), original, 'the dry run changed nothing');
    assert.equal(await copyOut(id, ANCHOR), undefined);

    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url, '--name', 'corp-root']);
    assert.equal(code, 0, output);
    assert.deepEqual([result!.status, result!.family, result!.method], ['patched', 'debian', 'archive-only'], output);
    assert.deepEqual(checkRows(result!.check.after), [[false, null, 'bundle']]);
    const after = (await copyOut(id, BUNDLE))!;
    assert.ok(after.startsWith(original), 'appended: every certificate that was there is still there, in order');
    const fingerprints = await bundleFingerprints(after);
    assert.equal(fingerprints.length, (await bundleFingerprints(original)).length + 1);
    assert.equal(occurrences(fingerprints, await opensslFingerprint(fx.ca.certPath)), 1);
    assert.equal(await copyOut(id, ANCHOR), fx.ca.pem, 'the anchor is there for a later update-ca-certificates');

    const again = await addJson([fx.ca.certPath, id, '--name', 'corp-root']);
    assert.equal(again.code, 0, again.output);
    assert.equal(again.containers[0]!.status, 'already-trusted');
  });
});
