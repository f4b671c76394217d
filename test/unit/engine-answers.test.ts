import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { startSocketServer } from '../support/engine-servers.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

/**
 * What trustpatch says when the socket it is pointed at does not hold a usable engine: real
 * HTTP servers on unix sockets, reached through dockerode as an engine would be. Exit 3 each
 * time, naming the address, before any container is looked at.
 */
describe('an engine that answers something unexpected', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeCa('Answers CA');
  });
  after(async () => {
    await removeCa(ca);
  });

  async function runAgainst(handler: Parameters<typeof startSocketServer>[0]) {
    const server = await startSocketServer(handler);
    try {
      const io = captureIo({});
      const code = await main(['add', ca.certPath, 'app', '--host', `unix://${server.socketPath}`, '--no-check'], io);
      return { code, err: io.err(), host: `unix://${server.socketPath}` };
    } finally {
      await server.close();
    }
  }

  it('a web server that is not an engine (404 for /_ping)', async () => {
    const result = await runAgainst((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found'),
    );
    assert.equal(result.code, 3);
    assert.equal(
      result.err,
      `trustpatch: ${result.host} answered HTTP 404 where a Docker engine answers 200 (404 page not found); is it the engine's address?\n`,
    );
  });

  it("an engine that speaks TLS, reached without TLS settings: says what to set (a stand-in: Go net/http's own 400 answer, not a real TLS dockerd)", async () => {
    // The body Go's net/http sends when plain HTTP reaches a TLS listener (net/http/server.go).
    const result = await runAgainst((_req, res) =>
      res
        .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Client sent an HTTP request to an HTTPS server.\n'),
    );
    assert.equal(result.code, 3);
    assert.match(
      result.err,
      new RegExp(
        `^trustpatch: ${result.host.replace(/[.]/g, '\\.')} speaks TLS, and trustpatch spoke plain HTTP to it; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=DIR`,
      ),
    );
  });

  it('a server that says 200 but not "OK" to /_ping', async () => {
    const result = await runAgainst((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
    );
    assert.equal(result.code, 3);
    assert.match(result.err, /answered GET \/_ping with "<html>hello<\/html>", not a Docker engine's "OK"/);
  });

  it('an engine too old for trustpatch (API 1.39), and one whose /version has no API version', async () => {
    const engine = (version: object) => (req: { url?: string }, res: import('node:http').ServerResponse) => {
      if (req.url === '/_ping') res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      else if (req.url === '/version')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(version));
      else res.writeHead(500).end('trustpatch should not get this far');
    };
    const old = await runAgainst(engine({ Version: '18.09.9', ApiVersion: '1.39', MinAPIVersion: '1.12' }));
    assert.equal(old.code, 3);
    assert.match(
      old.err,
      /Docker 18\.09\.9 at unix:\/\/\/.*engine\.sock speaks Docker API 1\.39; trustpatch needs API 1\.40 or newer \(Docker 19\.03\+, Podman 3\+\): upgrade the engine\./,
    );
    const odd = await runAgainst(engine({ hello: 'world' }));
    assert.equal(odd.code, 3);
    assert.match(odd.err, /answered GET \/version without a Docker API version \(it said: \{"hello":"world"\}\)/);
  });
});
