import assert from 'node:assert/strict';
import { removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { addJson, bundleFingerprints, checkRows, copyOut, occurrences } from '../support/trust-checks.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ANCHOR = '/usr/local/share/ca-certificates/corp-root.crt';

describe('an image without any shell (static /pause plus a bundle; os-release says debian)', function () {
  let ca: TestCa;
  let server: LocalHttpsServer;
  const containers: string[] = [];

  before(async () => {
    ca = await makeCa('No Shell Test Root');
    server = await startHttpsServer(await makeServerCert(ca));
  });
  after(async () => {
    await removeContainers(containers);
    await server?.close();
    if (ca) await removeCa(ca);
  });

  it('--dry-run changes nothing; then the bundle is patched through the archive API alone; a rerun is already trusted', async () => {
    const id = await startContainer(testImage('noshell'), { command: ['/pause'] });
    containers.push(id);
    const original = (await copyOut(id, BUNDLE))!;

    const dry = await addJson([ca.certPath, id, '--check-url', server.url, '--name', 'corp-root', '--dry-run']);
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
    } = await addJson([ca.certPath, id, '--check-url', server.url, '--name', 'corp-root']);
    assert.equal(code, 0, output);
    assert.deepEqual([result!.status, result!.family, result!.method], ['patched', 'debian', 'archive-only'], output);
    assert.deepEqual(checkRows(result!.check.after), [[false, null, 'bundle']]);
    const after = (await copyOut(id, BUNDLE))!;
    assert.ok(after.startsWith(original), 'appended: every certificate that was there is still there, in order');
    const fingerprints = await bundleFingerprints(after);
    assert.equal(fingerprints.length, (await bundleFingerprints(original)).length + 1);
    assert.equal(occurrences(fingerprints, await opensslFingerprint(ca.certPath)), 1);
    assert.equal(await copyOut(id, ANCHOR), ca.pem, 'the anchor is there for a later update-ca-certificates');

    const again = await addJson([ca.certPath, id, '--name', 'corp-root']);
    assert.equal(again.code, 0, again.output);
    assert.equal(again.containers[0]!.status, 'already-trusted');
  });
});
