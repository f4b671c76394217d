import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, opensslBytes, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { startSquid, type LocalSquid } from '../support/squid.js';

const run = promisify(execFile);
const ENSURE_PROXY_TOOLS = fileURLToPath(new URL('../../../scripts/ensure-proxy-tools.sh', import.meta.url));
const noProxyEnv = { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };
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
    await run('bash', [ENSURE_PROXY_TOOLS], { maxBuffer: 16 * 1024 * 1024 });
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

  it('writes the proxy\'s CA, byte for byte, with --proxy and -o', async () => {
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
    const direct = await trustpatch(['fetch-ca', upstream.url], { env: { ...noProxyEnv, HTTPS_PROXY: squid.url, NO_PROXY: '127.0.0.1' } });
    assert.equal(direct.code, 2);
    assert.match(direct.stderr, /presented only its own certificate \(issued by CN=Upstream Site CA/);
    // Direct, no proxy: the proxies' own CA addresses are not asked of anyone.
    assert.match(direct.stderr, /not asked, as no proxy is in use/);
  });

  it('fetch-ca | add - makes curl in a container trust the proxy, which it did not before', async () => {
    const id = await startContainer(testImage('debian-curl'));
    containers.push(id);
    const curl = ['curl', '-sS', '--max-time', '30', '-x', squid.url, upstream.url];
    const before = await execIn(id, curl);
    assert.notEqual(before.code, 0, 'curl must not trust the proxy before');
    assert.match(before.stderr, /certificate/i);
    const fetched = await trustpatch(['fetch-ca', upstream.url, '--proxy', squid.url], { env: noProxyEnv });
    assert.equal(fetched.code, 0, fetched.stderr);
    const added = await trustpatch(['add', '-', id, '--quiet'], { input: fetched.stdout });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const after = await execIn(id, curl);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, 'trusted\n');
  });
});
