import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { execIn, startContainer, testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { addJson, bundleFingerprints, checkRows, copyOut, occurrences } from '../support/trust-checks.js';
import { reachableFromEngine } from '../support/engine-netns.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Alpine's repositories point at 127.0.0.1 so apk fails (or hangs) here, never reaching out. */
async function alpine(repository: string, user?: string): Promise<string> {
  const id = await startContainer(testImage('alpine'), { user });
  await execIn(id, ['sh', '-c', `echo ${repository} > /etc/apk/repositories`]);
  return id;
}

async function wget(id: string, url: string, user = '0') {
  return execIn(id, ['wget', '-q', '-O', '/dev/null', '-T', '10', url], user);
}

describe('Alpine 3.20 (shared minirootfs): no package can be installed, the fallback makes wget trust', function () {
  const fx = caFixture('Alpine Test Root');
  let fingerprint: string;

  before(async () => {
    fingerprint = await opensslFingerprint(fx.ca.certPath);
  });

  it('apk fails, one warning line; the bundle gains the CA once; busybox wget (ssl_client) trusts the server', async () => {
    const id = await alpine('https://127.0.0.1:1/alpine/v3.20/main');
    fx.containers.push(id);
    const refused = await wget(id, fx.server.url);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /certificate verify failed/, 'Alpine wget validates through ssl_client');
    const before = await bundleFingerprints((await copyOut(id, BUNDLE))!);

    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual([result!.status, result!.family, result!.method], ['patched', 'alpine', 'archive-only'], output);
    assert.deepEqual(checkRows(result!.check.before), [[false, 'wget', null]]);
    assert.deepEqual(checkRows(result!.check.after), [[true, 'wget', 'tls']]);
    assert.deepEqual(result!.warnings, [result!.warnings[0]]);
    assert.match(
      result!.warnings[0]!,
      /^installing ca-certificates failed: `\/sbin\/apk add --no-cache ca-certificates` exited with 1: WARNING: fetching https:\/\/127\.0\.0\.1:1\/.*; carrying on without it$/,
    );

    assert.equal((await wget(id, fx.server.url)).code, 0, 'wget inside the container now trusts the server');
    const after = await bundleFingerprints((await copyOut(id, BUNDLE))!);
    assert.equal(after.length, before.length + 1, 'one certificate more, none lost');
    assert.equal(occurrences(after, fingerprint), 1);
    const link = await execIn(id, ['readlink', '/etc/ssl/cert.pem']);
    assert.equal(
      link.stdout.trim(),
      'certs/ca-certificates.crt',
      `the link is kept, the file behind it was written (${JSON.stringify(link)})`,
    );
    const anchors = (await execIn(id, ['ls', '/usr/local/share/ca-certificates'])).stdout.trim().split('\n');
    assert.equal(anchors.length, 1);
    assert.equal(
      await copyOut(id, `/usr/local/share/ca-certificates/${anchors[0]}`),
      fx.ca.pem,
      'the anchor is kept for a later update-ca-certificates',
    );

    const again = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(again.containers[0]!.status, 'already-trusted', again.output);
  });

  it('runs as a non-root user: written as user 0, checked as the user', async () => {
    const id = await alpine('https://127.0.0.1:1/alpine/v3.20/main', '65534:65534');
    fx.containers.push(id);
    assert.notEqual((await wget(id, fx.server.url, '65534')).code, 0);
    const {
      code,
      containers: [result],
      output,
    } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(code, 0, output);
    assert.deepEqual(checkRows(result!.check.after), [[true, 'wget', 'tls']]);
    assert.equal((await wget(id, fx.server.url, '65534')).code, 0);
  });

  it('an apk that hangs is cut at --timeout, said so, and the patch carries on', async () => {
    // A repository that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const unreach = await reachableFromEngine((silent.address() as AddressInfo).port);
    try {
      const id = await alpine(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/alpine/v3.20/main`);
      fx.containers.push(id);
      // The install gets half of --timeout; the rest of the patch goes on without it.
      const {
        code,
        containers: [result],
        output,
      } = await addJson([fx.ca.certPath, id, '--check-url', fx.server.url, '--timeout', '30']);
      assert.equal(code, 0, output);
      assert.equal(result!.status, 'patched', output);
      assert.match(
        result!.warnings.join('\n'),
        /installing ca-certificates failed: `\/sbin\/apk add --no-cache ca-certificates` timed out after 15s \(it may still be running in the container\); carrying on without it/,
      );
      assert.deepEqual(checkRows(result!.check.after), [[true, 'wget', 'tls']]);
      assert.equal((await wget(id, fx.server.url)).code, 0);
    } finally {
      await unreach();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
