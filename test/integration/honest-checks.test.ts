import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { execIn, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { bundleFingerprints, copyOut } from '../support/trust-checks.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

interface Client {
  tool: string;
  start(): Promise<string>;
  /** The client's own run against the URL, as a user would type it. */
  refuses(id: string, url: string): Promise<boolean>;
}

// Containers whose only (or first) TLS client is curl, BusyBox wget (ssl_client) and python3.
const CLIENTS: Client[] = [
  {
    tool: 'curl',
    start: () => startContainer(testImage('debian-curl')),
    refuses: async (id, url) =>
      (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', url])).code !== 0,
  },
  {
    tool: 'wget',
    start: async () => {
      const id = await startContainer(testImage('alpine'));
      // apk's repositories point at loopback: nothing is fetched from a public mirror.
      await execIn(id, ['sh', '-c', 'echo https://127.0.0.1:1/alpine/v3.20/main > /etc/apk/repositories']);
      return id;
    },
    refuses: async (id, url) => (await execIn(id, ['wget', '-q', '-O', '/dev/null', '-T', '10', url])).code !== 0,
  },
  {
    tool: 'python3',
    start: async () => {
      const id = await startContainer(testImage('debian-python'));
      // Without curl and openssl the check uses python3 (the container is this test's own).
      await execIn(id, ['rm', '-f', '/usr/bin/curl', '/usr/bin/openssl']);
      return id;
    },
    refuses: async (id, url) =>
      (
        await execIn(id, [
          'python3',
          '-c',
          'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)',
          url,
        ])
      ).code !== 0,
  },
];

describe('honest checks: a client that refuses for another reason than the CA keeps the verified patch (real fx.containers)', function () {
  const fx = caFixture('Honest Checks Root', { server: false });
  let stranger: TestCa;
  let misnamed: LocalHttpsServer;
  let unsigned: LocalHttpsServer;
  let fingerprint: string;

  before(async () => {
    stranger = await makeCa('Stranger Root');
    // Signed by the CA, but for a name the check URL (https://127.0.0.1:PORT/) does not use.
    misnamed = await startHttpsServer(
      await makeServerCert(fx.ca, 'elsewhere', { subjectAltName: 'DNS:elsewhere.invalid' }),
    );
    unsigned = await startHttpsServer(await makeServerCert(stranger));
    fingerprint = await opensslFingerprint(fx.ca.certPath);
  });
  after(async () => {
    await misnamed?.close();
    await unsigned?.close();
    for (const c of [fx.ca, stranger]) if (c) await removeCa(c);
  });

  for (const client of CLIENTS) {
    it(`${client.tool}: a server the CA signs under another name: patched, exit 1, the reason says why ${client.tool} cannot prove it`, async () => {
      const id = await client.start();
      fx.containers.push(id);
      const result = await trustpatch([
        'add',
        fx.ca.certPath,
        id,
        '--check-url',
        misnamed.url,
        '--install',
        'never',
        '--json',
      ]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const doc = JSON.parse(result.stdout) as {
        containers: {
          status: string;
          warnings: string[];
          check: { after: { ok: boolean; tool: string; results: { failure?: string }[] } };
        }[];
      };
      const [container] = doc.containers;
      assert.equal(container!.status, 'patched', result.stdout);
      assert.deepEqual(
        [container!.check.after.ok, container!.check.after.tool, container!.check.after.results[0]!.failure],
        [false, client.tool, 'unprovable'],
      );
      assert.match(
        container!.warnings.join('\n'),
        new RegExp(
          `${client.tool} cannot prove trust for ${misnamed.url.replace(/[.]/g, '\\.')} .*does not name the IP address 127\\.0\\.0\\.1 \\(it names DNS:elsewhere\\.invalid\\)`,
        ),
      );
      assert.doesNotMatch(result.stdout + result.stderr, /is this the CA/);
      assert.ok(
        (await bundleFingerprints((await copyOut(id, BUNDLE))!)).includes(fingerprint),
        'the CA stays in the bundle',
      );
      assert.ok(await client.refuses(id, misnamed.url), `${client.tool} itself refuses the misnamed server`);
    });
  }

  it('curl: a server the CA does not sign is still rolled back as untrusted', async () => {
    const id = await CLIENTS[0]!.start();
    fx.containers.push(id);
    const before = (await copyOut(id, BUNDLE))!;
    const result = await trustpatch(['add', fx.ca.certPath, id, '--check-url', unsigned.url]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /failed .*the CA does not sign the chain https:\/\/127\.0\.0\.1:\d+\/ presents .*; rolled back/,
    );
    assert.equal(await copyOut(id, BUNDLE), before, 'the bundle is as before');
  });
});
