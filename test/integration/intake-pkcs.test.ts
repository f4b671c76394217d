import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { pkcs12File, pkcs7File } from '../support/cert-fixtures.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, openssl, opensslFingerprint, type TestCa } from '../support/pki.js';

const ANCHORS = '/usr/local/share/ca-certificates';

/**
 * A CA delivered as PKCS#12 (EC P-384, with its key, password-protected) and two CAs delivered
 * as one PKCS#7 bundle, installed into a running container: curl there trusts a server signed
 * by each, and the key never reaches the container.
 */
describe('intake: PKCS#12 and PKCS#7 into a container', function () {
  this.timeout(300_000);
  let dir: string;
  let p384: TestCa;
  let bundleA: TestCa;
  let bundleB: TestCa;
  const servers: LocalHttpsServer[] = [];
  const containers: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-intake-'));
    [p384, bundleA, bundleB] = await Promise.all([
      makeCa('Intake P-384 CA', { key: 'ec-p384', dir }),
      makeCa('Intake Bundle RSA CA', { key: 'rsa-2048', dir }),
      makeCa('Intake Bundle EC CA', { key: 'ec-p256', dir }),
    ]);
    for (const ca of [p384, bundleA, bundleB])
      servers.push(await startHttpsServer(await makeServerCert(ca, 'localhost')));
  });
  after(async () => {
    await removeContainers(containers);
    await Promise.all(servers.map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('installs both, one file per certificate, and curl trusts a server signed by each CA', async () => {
    const id = await startContainer(testImage('debian-curl'));
    containers.push(id);
    const curl = (server: LocalHttpsServer) => execIn(id, ['curl', '-sS', '--max-time', '20', server.url]);
    for (const server of servers) assert.equal((await curl(server)).code, 60, 'untrusted before');

    const p12 = await pkcs12File(p384, dir, 'vendor-ca.pfx', { password: 'vendor pass 1' });
    const passwordFile = join(dir, 'p12-password');
    await writeFile(passwordFile, 'vendor pass 1\n', { mode: 0o600 });
    const fromP12 = await trustpatch(['add', p12, id, '--password-file', passwordFile, '--quiet']);
    assert.equal(fromP12.code, 0, fromP12.stderr + fromP12.stdout);
    assert.match(fromP12.stderr, /vendor-ca\.pfx: the private key in the file was ignored/);

    const p7b = await pkcs7File([bundleA, bundleB], dir, 'chain.p7b');
    const fromP7b = await trustpatch(['add', p7b, id, '--quiet']);
    assert.equal(fromP7b.code, 0, fromP7b.stderr + fromP7b.stdout);

    for (const server of servers) {
      const result = await curl(server);
      assert.equal(result.code, 0, `${server.url}: ${result.stderr}`);
      assert.equal(result.stdout, 'trusted\n');
    }

    const listing = await execIn(id, ['sh', '-c', `ls ${ANCHORS}/*.crt`]);
    const files = listing.stdout.split('\n').filter(Boolean);
    assert.equal(files.length, 3, listing.stdout);
    const installed: string[] = [];
    for (const file of files) {
      const content = (await execIn(id, ['cat', file])).stdout;
      assert.equal(content.match(/BEGIN CERTIFICATE/g)?.length, 1, `${file} holds one certificate`);
      assert.ok(!content.includes('PRIVATE KEY'), `${file} holds no key`);
      const copy = join(dir, 'installed.crt');
      await writeFile(copy, content);
      installed.push(await opensslFingerprint(copy));
    }
    const expected = await Promise.all([p384, bundleA, bundleB].map((ca) => opensslFingerprint(ca.certPath)));
    assert.deepEqual(installed.sort(), expected.sort());

    // The P-384 key's body must appear nowhere in the container's trust store.
    const keyLine = (await openssl(['pkey', '-in', p384.keyPath])).split('\n')[1]!;
    const search = await execIn(id, ['grep', '-rlF', keyLine.slice(0, 40), ANCHORS, '/etc/ssl/certs']);
    assert.equal(search.code, 1, `key material found: ${search.stdout}`);
    assert.ok((await readFile(p384.keyPath, 'utf8')).includes(keyLine));
  });
});
