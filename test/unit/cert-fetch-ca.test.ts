import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificates } from '../../src/cert/load.js';
import { runFetchCa } from '../../src/commands/fetch-ca/run.js';
import { discoverCa } from '../../src/net/discover-ca.js';
import type { HttpGet } from '../../src/net/http-get.js';
import { UserError } from '../../src/errors.js';
import { presentedChain } from '../../src/net/peer-chain.js';
import { httpsTarget, proxyFor } from '../../src/net/proxy-env.js';
import { trustpatch } from '../support/cli.js';
import { makeIntermediate } from '../support/cert-fixtures.js';
import { startConnectProxy, type LocalConnectProxy } from '../support/connect-proxy.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, type TestCa } from '../support/pki.js';

const certs = (pem: string) => parseCertificates(Buffer.from(pem), 'test').certificates;
const target = { host: '127.0.0.1', port: 8443 };
/** The proxy variables a developer's shell may hold, emptied so each test decides. */
const noProxyEnv = { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

describe('trustpatch fetch-ca (without an intercepting proxy)', function () {
  this.timeout(60_000);
  let dir: string;
  let root: TestCa;
  let intermediate: TestCa;
  let leafPem: string;
  let partial: LocalHttpsServer;
  let full: LocalHttpsServer;
  let proxy: LocalConnectProxy;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-fetch-'));
    root = await makeCa('Fetch Root CA', { dir });
    intermediate = await makeIntermediate(root, 'Fetch Issuing CA');
    const leaf = await makeServerCert(intermediate, 'localhost');
    leafPem = leaf.cert;
    partial = await startHttpsServer({ ...leaf, cert: leaf.cert + intermediate.pem });
    full = await startHttpsServer({ ...leaf, cert: leaf.cert + intermediate.pem + root.pem });
    proxy = await startConnectProxy();
  });
  after(async () => {
    await Promise.all([partial?.close(), full?.close(), proxy?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('takes only https URLs', () => {
    assert.throws(() => httpsTarget('http://127.0.0.1/'), /needs an https:\/\/ URL/);
    assert.throws(() => httpsTarget('not a url'), UserError);
    assert.deepEqual(httpsTarget('https://[::1]/x'), { host: '::1', port: 443 });
  });

  it('picks --proxy, else https_proxy / HTTPS_PROXY unless NO_PROXY exempts the host', () => {
    const env = { HTTPS_PROXY: 'http://127.0.0.1:3128' };
    assert.equal(proxyFor(target, 'http://127.0.0.1:9999', env)?.port, '9999');
    assert.equal(proxyFor(target, undefined, env)?.port, '3128');
    assert.equal(proxyFor(target, undefined, { ...env, https_proxy: '127.0.0.1:3129' })?.port, '3129');
    assert.equal(proxyFor(target, undefined, {}), undefined);
    for (const noProxy of ['127.0.0.1', '*', 'localhost, 127.0.0.1:8443', '.0.0.1'])
      assert.equal(proxyFor(target, undefined, { ...env, NO_PROXY: noProxy }), undefined, noProxy);
    for (const noProxy of ['127.0.0.2', '127.0.0.1:9000', 'internal.corp'])
      assert.ok(proxyFor(target, undefined, { ...env, no_proxy: noProxy }), noProxy);
    assert.equal(proxyFor({ host: '::1', port: 443 }, undefined, { ...env, NO_PROXY: '::1' }), undefined);
    assert.throws(() => proxyFor(target, 'socks5://127.0.0.1:1080', {}), /only http:\/\/ proxies/);
  });

  it('picks the self-signed root, else the top issuer sent (saying the root was not sent), never a lone leaf', async () => {
    const [leaf, issuing, self] = [certs(leafPem)[0]!, certs(intermediate.pem)[0]!, certs(root.pem)[0]!];
    // These certificates name no caIssuers address: nothing may be fetched for them.
    const asked: string[] = [];
    const get: HttpGet = async (url) => {
      asked.push(url.href);
      return { kind: 'failed', reason: 'not here' };
    };
    const withRoot = await discoverCa([leaf, issuing, self], { url: 'https://x/', proxy: undefined, get });
    assert.equal(withRoot.certificate, self);
    assert.equal(withRoot.foundBy, 'presented');
    assert.match(withRoot.choice, /self-signed root \(certificate 3 of 3/);
    const withoutRoot = await discoverCa([leaf, issuing], { url: 'https://x/', proxy: undefined, get });
    assert.equal(withoutRoot.certificate, issuing);
    assert.match(withoutRoot.choice, /top issuer presented .*"CN=Fetch Root CA, O=trustpatch tests", was not sent/);
    await assert.rejects(
      discoverCa([leaf], { url: 'https://x/', proxy: undefined, get }),
      /presented only its own certificate \(issued by CN=Fetch Issuing CA.*not asked, as no proxy is in use/,
    );
    assert.deepEqual(asked, []);
  });

  it('reads the chain as sent, directly and through a CONNECT tunnel', async () => {
    const direct = await presentedChain({ host: '127.0.0.1', port: partial.port }, undefined, 10_000);
    assert.deepEqual(
      direct.map((der) => new X509Certificate(der).subject.split('\n')[0]),
      ['CN=localhost', 'CN=Fetch Issuing CA'],
    );
    const tunnelled = await presentedChain({ host: '127.0.0.1', port: partial.port }, new URL(proxy.url), 10_000);
    assert.deepEqual(tunnelled, direct);
    assert.ok(proxy.tunnels.includes(`127.0.0.1:${partial.port}`));
  });

  it('reports a proxy that refuses the tunnel, and an unreachable server, as input errors', async () => {
    const locked = await startConnectProxy({ requireAuth: 'user:pw' });
    try {
      await assert.rejects(runFetchCa({ url: full.url, proxy: locked.url }), /the proxy refused the tunnel \(HTTP 407/);
      const report = await runFetchCa({ url: full.url, proxy: locked.url.replace('http://', 'http://user:pw@') });
      assert.equal(report.certificate.commonName, 'Fetch Root CA');
      assert.equal(report.proxy, locked.url, 'credentials are not shown');
    } finally {
      await locked.close();
    }
    await assert.rejects(
      runFetchCa({ url: 'https://127.0.0.1:1/', env: {} }),
      (error: unknown) => error instanceof UserError && /127\.0\.0\.1:1: .*ECONNREFUSED/.test(error.message),
    );
  });

  it('writes the root as PEM to stdout (report on stderr), through HTTPS_PROXY', async () => {
    const result = await trustpatch(['fetch-ca', full.url], { env: { ...noProxyEnv, HTTPS_PROXY: proxy.url } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, root.pem);
    assert.match(
      result.stderr,
      new RegExp(`through ${proxy.url.replace(/[.]/g, '\\.')}; the server presented 3 certificates`),
    );
    assert.match(result.stderr, /picked the self-signed root/);
    assert.match(result.stderr, /Nothing was trusted/);
  });

  it('with -o writes the file, refuses to replace it without --force', async () => {
    const out = join(dir, 'fetched.pem');
    // The root in Node's store must not be added to the chain: fetch-ca reports what was sent.
    const first = await trustpatch(['fetch-ca', partial.url, '-o', out], {
      env: { ...noProxyEnv, NODE_EXTRA_CA_CERTS: root.certPath },
    });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(await readFile(out, 'utf8'), intermediate.pem);
    assert.match(first.stdout, /directly \(no proxy\); the server presented 2 certificates/);
    assert.match(first.stdout, /picked the top issuer presented/);
    await writeFile(out, 'keep me');
    const again = await trustpatch(['fetch-ca', partial.url, '-o', out], { env: noProxyEnv });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /the file exists; .*--force/);
    assert.equal(await readFile(out, 'utf8'), 'keep me');
    assert.equal((await trustpatch(['fetch-ca', partial.url, '-o', out, '--force'], { env: noProxyEnv })).code, 0);
    assert.equal(await readFile(out, 'utf8'), intermediate.pem);
  });
});
