import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificates } from '../../src/cert/load.js';
import { runFetchCa } from '../../src/commands/fetch-ca/run.js';
import { discoverCa } from '../../src/net/discover-ca.js';
import type { HttpGet } from '../../src/net/http-get.js';
import { WELL_KNOWN_CA_ADDRESSES } from '../../src/net/well-known-proxies.js';
import { makeIntermediate } from '../support/cert-fixtures.js';
import { trustpatch } from '../support/cli.js';
import { startConnectProxy, type LocalConnectProxy } from '../support/connect-proxy.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslBytes, type TestCa } from '../support/pki.js';

const certs = (pem: string) => parseCertificates(Buffer.from(pem), 'test').certificates;
const noProxyEnv = { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/**
 * fetch-ca for servers (proxies) that present only the leaf: the AIA caIssuers links, then the
 * addresses debugging proxies answer themselves, all through the proxy (a stand-in on 127.0.0.1
 * that answers for names only from its own table and never looks any up).
 */
describe('fetch-ca: finding the CA a lone leaf does not carry', function () {
  this.timeout(60_000);
  let dir: string;
  let root: TestCa;
  let intermediate: TestCa;
  let stranger: TestCa;
  let files: Server;
  let filesBase: string;
  const served = new Map<string, Buffer>();
  let aiaServer: LocalHttpsServer;
  let bareServer: LocalHttpsServer;
  let proxy: LocalConnectProxy;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-aia-'));
    files = createServer((request, response) => {
      const body = served.get(request.url ?? '');
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    root = await makeCa('AIA Root CA', { dir });
    stranger = await makeCa('Unrelated CA', { dir: await mkdtemp(join(tmpdir(), 'trustpatch-aia-other-')) });
    // Leaf -> (DER) issuing CA -> (PKCS#7) root: the formats caIssuers answers come in (RFC 5280 4.2.2.1).
    intermediate = await makeIntermediate(root, 'AIA Issuing CA', { caIssuers: `${filesBase}/root.p7c` });
    const leaf = await makeServerCert(intermediate, 'localhost', { caIssuers: `${filesBase}/issuing.der` });
    served.set('/issuing.der', await opensslBytes(['x509', '-in', intermediate.certPath, '-outform', 'DER']));
    served.set('/root.p7c', await opensslBytes(['crl2pkcs7', '-nocrl', '-certfile', root.certPath, '-outform', 'DER']));
    aiaServer = await startHttpsServer(leaf);
    bareServer = await startHttpsServer(await makeServerCert(stranger, 'bare'));
    proxy = await startConnectProxy();
  });
  after(async () => {
    await Promise.all([
      aiaServer?.close(),
      bareServer?.close(),
      proxy?.close(),
      new Promise((resolve) => files?.close(resolve)),
    ]);
    await rm(dir, { recursive: true, force: true });
    if (stranger) await rm(stranger.dir, { recursive: true, force: true });
  });

  it('follows caIssuers (DER, then PKCS#7) through the proxy to the self-signed root, and says so', async () => {
    const result = await trustpatch(['fetch-ca', aiaServer.url, '--proxy', proxy.url], { env: noProxyEnv });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, root.pem);
    assert.match(result.stderr, /presented 1 certificate:/);
    assert.match(result.stderr, /found by: following the AIA caIssuers address/);
    assert.match(result.stderr, /self-signed root at http:\/\/127\.0\.0\.1:\d+\/root\.p7c, .*\(2 links followed\)/);
    // Both downloads went to the proxy in absolute form, not straight to the file server.
    assert.deepEqual(proxy.gets.slice(-2), [`${filesBase}/issuing.der`, `${filesBase}/root.p7c`]);
  });

  it('refuses a caIssuers answer that did not sign the certificate, and a body over the size bound', async () => {
    const [leaf] = [
      certs((await makeServerCert(intermediate, 'other', { caIssuers: 'http://127.0.0.1:9/ca' })).cert)[0]!,
      certs(intermediate.pem)[0]!,
    ];
    const impostor: HttpGet = async () => ({ kind: 'body', bytes: Buffer.from(stranger.pem) });
    await assert.rejects(
      discoverCa([leaf], { url: 'https://x/', proxy: undefined, get: impostor }),
      /caIssuers of "CN=other": http:\/\/127\.0\.0\.1:9\/ca: 1 certificate, none of which signed "CN=other"/,
    );
    // The real download, bounded: the file server's answer is larger than the limit given.
    served.set('/big', Buffer.alloc(4096, 0x30));
    const bigLeaf = certs((await makeServerCert(intermediate, 'big', { caIssuers: `${filesBase}/big` })).cert)[0]!;
    await assert.rejects(
      discoverCa([bigLeaf], { url: 'https://x/', proxy: undefined, limits: { timeoutMs: 5000, maxBytes: 1000 } }),
      /\/big: more than 1000 bytes, too large for a certificate/,
    );
  });

  it('asks the proxy for the addresses debugging proxies serve their CA at, and takes only one that signed the leaf', async () => {
    const [mitm, burp] = WELL_KNOWN_CA_ADDRESSES.map((address) => address.url(new URL(proxy.url)));
    const keyPem = await readFile(root.keyPath, 'utf8');
    // The first answers with a CA that did not sign the leaf, and its private key; the second with the signer, in DER.
    const debugging = await startConnectProxy({
      answers: {
        [mitm!]: root.pem + keyPem,
        [burp!]: await opensslBytes(['x509', '-in', stranger.certPath, '-outform', 'DER']),
      },
    });
    try {
      const leafOnly = await trustpatch(['fetch-ca', bareServer.url, '--proxy', debugging.url], { env: noProxyEnv });
      assert.equal(leafOnly.code, 0, leafOnly.stderr);
      assert.equal(leafOnly.stdout, stranger.pem);
      assert.match(leafOnly.stderr, /found by: asking the proxy for the address where it serves its own CA/);
      assert.ok(leafOnly.stderr.includes(`serves at ${burp} (where Burp Suite serves its CA)`), leafOnly.stderr);
      assert.ok(!(leafOnly.stdout + leafOnly.stderr).includes('PRIVATE KEY'), 'the key in an answer is never printed');
      assert.deepEqual(debugging.gets, [mitm, burp]);
    } finally {
      await debugging.close();
    }
  });

  it('names every address tried when nothing is found, asking the proxy for each (never directly)', async () => {
    const before = proxy.gets.length;
    const result = await trustpatch(['fetch-ca', bareServer.url, '--proxy', proxy.url], { env: noProxyEnv });
    assert.equal(result.code, 2);
    const expected = WELL_KNOWN_CA_ADDRESSES.map((address) => address.url(new URL(proxy.url)));
    assert.deepEqual(proxy.gets.slice(before), expected);
    for (const url of expected)
      assert.match(
        result.stderr,
        new RegExp(`${url.replace(/[.]/g, '\\.')}, asked of ${proxy.url.replace(/[.]/g, '\\.')}: HTTP (502|405)`),
      );
    assert.match(
      result.stderr,
      /presented only its own certificate \(issued by CN=Unrelated CA.*Get the CA file from the proxy's administrator/,
    );
  });

  it('without a proxy, asks no well-known address', async () => {
    const before = proxy.gets.length;
    await assert.rejects(
      runFetchCa({ url: bareServer.url, env: {} }),
      /not asked, as no proxy is in use; give --proxy/,
    );
    assert.equal(proxy.gets.length, before);
  });
});
