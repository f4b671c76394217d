import assert from 'node:assert/strict';
import { execIn, testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { addJson, bundleFingerprints, checkRows, copyOut } from '../support/trust-checks.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

describe('BusyBox images: no bundle, no package manager, a wget that proves nothing', function () {
  const fx = caFixture('BusyBox Test Root');
  let fingerprint: string;

  before(async () => {
    fingerprint = await opensslFingerprint(fx.ca.certPath);
  });

  it('BusyBox 1.38 (shared rootfs): creates a bundle holding the CA; its wget "succeeds" untrusted, so only "bundle verified"', async () => {
    const id = await fx.start(testImage('busybox'));
    assert.equal(await copyOut(id, BUNDLE), undefined, 'the image has no bundle');
    // The trap: this wget reaches a server nobody trusts and exits 0.
    const untrusted = await execIn(id, ['wget', '-O', '/dev/null', fx.server.url]);
    assert.equal(untrusted.code, 0);
    assert.match(untrusted.stderr, /TLS certificate validation not implemented/);

    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([result!.status, result!.family, result!.method], ['patched', 'generic', 'archive-only'], output);
    // A wget without validation never counts: no TLS client, so only the weaker "bundle verified".
    assert.deepEqual(checkRows(result!.check.before), [[false, null, null]]);
    assert.match(result!.check.before!.results[0]!.detail, /TLS certificate validation not implemented/);
    assert.deepEqual(checkRows(result!.check.after), [[false, null, 'bundle']]);
    assert.deepEqual(result!.warnings, [
      'there was no CA bundle: created /etc/ssl/certs/ca-certificates.crt holding only this CA',
    ]);
    assert.deepEqual(await bundleFingerprints((await copyOut(id, BUNDLE))!), [fingerprint]);
  });

  it('Debian busybox-static (os-release debian, no update command, no apt-get): archive only, the anchor kept', async () => {
    const id = await fx.start(testImage('debian-busybox'));
    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url, '--name', 'corp-root']);
    assert.equal(code, 0, output);
    assert.deepEqual([result!.status, result!.family, result!.method], ['patched', 'debian', 'archive-only'], output);
    assert.deepEqual(checkRows(result!.check.after), [[false, null, 'bundle']]);
    assert.deepEqual(result!.warnings, [
      'no package manager in the container (looked for /usr/bin/apt-get): patched the bundle through the archive API',
      'there was no CA bundle: created /etc/ssl/certs/ca-certificates.crt holding only this CA',
    ]);
    assert.deepEqual(await bundleFingerprints((await copyOut(id, BUNDLE))!), [fingerprint]);
    assert.equal(await copyOut(id, '/usr/local/share/ca-certificates/corp-root.crt'), fx.ca.pem);
  });
});
