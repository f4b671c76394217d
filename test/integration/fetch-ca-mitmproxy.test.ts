import { strict as assert } from 'node:assert';
import { trustpatch } from '../support/cli.js';
import { removeContainers } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { startMitmproxy, type LocalMitmproxy } from '../support/mitmproxy.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { ensureProxyTools, fetchThenAddMakesCurlTrust, noProxyEnv } from '../support/proxy-trust.js';

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
    await ensureProxyTools();
    upstreamCa = await makeCa('Upstream Site CA', { key: 'rsa-2048' });
    upstream = await startHttpsServer(await makeServerCert(upstreamCa));
    mitm = await startMitmproxy();
  });
  after(async () => {
    await removeContainers(containers);
    await Promise.all([mitm?.close(), upstream?.close()]);
    if (upstreamCa) await removeCa(upstreamCa);
  });

  it("returns mitmproxy's CA byte for byte, found at its own address, though only the leaf was presented", async () => {
    const result = await trustpatch(['fetch-ca', upstream.url, '--proxy', mitm.url], { env: noProxyEnv });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Buffer.from(result.stdout).equals(mitm.caPem), `${result.stdout} differs from mitmproxy's CA`);
    assert.match(
      result.stderr,
      /the server presented 1 certificate:\n {2}1\. CN=localhost {2}\(issued by CN=mitmproxy, O=mitmproxy\)/,
    );
    assert.match(
      result.stderr,
      /serves at http:\/\/mitm\.it\/cert\/pem \(where mitmproxy serves its CA\), which signed the certificate presented/,
    );
    assert.match(result.stderr, /found by: asking the proxy for the address where it serves its own CA/);
  });

  it('fetch-ca | add - makes curl through mitmproxy in a container succeed, which it did not before', () =>
    fetchThenAddMakesCurlTrust(mitm.url, upstream.url, containers));
});
