import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { startMitmproxy, type LocalMitmproxy } from '../support/mitmproxy.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';

const run = promisify(execFile);
const ENSURE_PROXY_TOOLS = fileURLToPath(new URL('../../../scripts/ensure-proxy-tools.sh', import.meta.url));
const noProxyEnv = { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/**
 * fetch-ca against a real intercepting proxy that presents only the forged leaf: Debian's
 * mitmproxy on 127.0.0.1, in front of an HTTPS server on 127.0.0.1. The CA is found by asking
 * mitmproxy for http://mitm.it/cert/pem, which it answers itself (no name is looked up).
 */
describe('fetch-ca through mitmproxy (leaf only)', function () {
  this.timeout(300_000);
  let upstreamCa: TestCa;
  let upstream: LocalHttpsServer;
  let mitm: LocalMitmproxy;
  const containers: string[] = [];

  before(async () => {
    await run('bash', [ENSURE_PROXY_TOOLS], { maxBuffer: 16 * 1024 * 1024 });
    upstreamCa = await makeCa('Upstream Site CA', { key: 'rsa-2048' });
    upstream = await startHttpsServer(await makeServerCert(upstreamCa));
    mitm = await startMitmproxy();
  });
  after(async () => {
    await removeContainers(containers);
    await Promise.all([mitm?.close(), upstream?.close()]);
    if (upstreamCa) await removeCa(upstreamCa);
  });

  it('returns mitmproxy\'s CA byte for byte, found at its own address, though only the leaf was presented', async () => {
    const result = await trustpatch(['fetch-ca', upstream.url, '--proxy', mitm.url], { env: noProxyEnv });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Buffer.from(result.stdout).equals(mitm.caPem), `${result.stdout} differs from mitmproxy's CA`);
    assert.match(result.stderr, /the server presented 1 certificate:\n {2}1\. CN=localhost {2}\(issued by CN=mitmproxy, O=mitmproxy\)/);
    assert.match(result.stderr, /serves at http:\/\/mitm\.it\/cert\/pem \(where mitmproxy serves its CA\), which signed the certificate presented/);
    assert.match(result.stderr, /found by: asking the proxy for the address where it serves its own CA/);
  });

  it('fetch-ca | add - makes curl through mitmproxy in a container succeed, which it did not before', async () => {
    const id = await startContainer(testImage('debian-curl'));
    containers.push(id);
    const curl = ['curl', '-sS', '--max-time', '30', '-x', mitm.url, upstream.url];
    const before = await execIn(id, curl);
    assert.notEqual(before.code, 0, 'curl must not trust mitmproxy before');
    assert.match(before.stderr, /certificate/i);
    const fetched = await trustpatch(['fetch-ca', upstream.url], { env: { ...noProxyEnv, HTTPS_PROXY: mitm.url } });
    assert.equal(fetched.code, 0, fetched.stderr);
    const added = await trustpatch(['add', '-', id, '--quiet'], { input: fetched.stdout });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const after = await execIn(id, curl);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, 'trusted\n');
  });
});
