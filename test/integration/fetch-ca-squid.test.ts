import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { removeContainers } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslBytes, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { startSquid, type LocalSquid } from '../support/squid.js';
import { ensureProxyTools, fetchThenAddMakesCurlTrust, noProxyEnv } from '../support/proxy-trust.js';

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

/**
 * fetch-ca against a real intercepting proxy: Debian's squid-openssl with ssl-bump on 127.0.0.1,
 * in front of an HTTPS server on 127.0.0.1 whose certificate squid replaces with its own.
 */
describe('fetch-ca through squid ssl-bump', function () {
  this.timeout(300_000);
  let dir: string;
  let proxyCa: TestCa;
  let upstreamCa: TestCa;
  let upstream: LocalHttpsServer;
  let squid: LocalSquid;
  const containers: string[] = [];

  before(async () => {
    await ensureProxyTools();
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-fetch-squid-'));
    proxyCa = await makeCa('Intercepting Proxy CA', { key: 'ec-p256' });
    upstreamCa = await makeCa('Upstream Site CA', { key: 'rsa-2048' });
    upstream = await startHttpsServer(await makeServerCert(upstreamCa));
    squid = await startSquid(proxyCa, await readFile(proxyCa.keyPath, 'utf8'));
  });
  after(async () => {
    await removeContainers(containers);
    await Promise.all([squid?.close(), upstream?.close()]);
    for (const ca of [proxyCa, upstreamCa]) if (ca) await removeCa(ca);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes the proxy's CA, byte for byte, with --proxy and -o", async () => {
    const out = join(dir, 'proxy-ca.pem');
    const result = await trustpatch(['fetch-ca', upstream.url, '--proxy', squid.url, '-o', out], { env: noProxyEnv });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(out, 'utf8'), proxyCa.pem);
    // Compared as bytes: a text decode of openssl's DER output would lose some.
    const derOf = (path: string) => opensslBytes(['x509', '-in', path, '-outform', 'DER']);
    assert.ok((await derOf(out)).equals(await derOf(proxyCa.certPath)));
    assert.match(result.stdout, /picked the self-signed root/);
    assert.match(result.stdout, /found by: the chain the server presented/);
    assert.ok(result.stdout.includes(`SHA-256   ${colons(await opensslFingerprint(proxyCa.certPath))}`), result.stdout);
    assert.match(result.stdout, /issued by CN=Intercepting Proxy CA/);
  });

  it('uses HTTPS_PROXY, and NO_PROXY sends it direct (where the site shows no CA)', async () => {
    const viaEnv = await trustpatch(['fetch-ca', upstream.url], { env: { ...noProxyEnv, HTTPS_PROXY: squid.url } });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(viaEnv.stdout, proxyCa.pem);
    const direct = await trustpatch(['fetch-ca', upstream.url], {
      env: { ...noProxyEnv, HTTPS_PROXY: squid.url, NO_PROXY: '127.0.0.1' },
    });
    assert.equal(direct.code, 2);
    assert.match(direct.stderr, /presented only its own certificate \(issued by CN=Upstream Site CA/);
    // Direct, no proxy: the proxies' own CA addresses are not asked of anyone.
    assert.match(direct.stderr, /not asked, as no proxy is in use/);
  });

  it('fetch-ca | add - makes curl in a container trust the proxy, which it did not before', () =>
    fetchThenAddMakesCurlTrust(squid.url, upstream.url, containers));
});
