import assert from 'node:assert/strict';
import { runCheck } from '../../src/check/https-check.js';
import type { TlsTool } from '../../src/check/clients.js';
import { connectEngines } from '../../src/docker/connect.js';
import { trustpatch } from '../support/cli.js';
import { execIn, testImage } from '../support/containers.js';
import { caFixture } from '../support/fixture.js';

/**
 * The check's reason, on real clients before any patch: the line the client itself printed
 * when run by hand with `docker exec`, and the line that says why (not curl's advice after it).
 */
describe("the check's reason is the client's own error line (real fx.containers)", function () {
  const fx = caFixture('Reason Root CA');
  const client = connectEngines()[0]!;
  after(async () => {});

  /** What the client prints when a user runs it by hand against the server. */
  function byHand(tool: TlsTool, path: string): string[] {
    const port = String(fx.server.port);
    if (tool === 'curl') return [path, '-sS', '-o', '/dev/null', fx.server.url];
    if (tool === 'wget') return [path, '-O', '/dev/null', fx.server.url];
    if (tool === 'openssl')
      return ['sh', '-c', `${path} s_client -connect 127.0.0.1:${port} -verify_return_error -brief </dev/null`];
    return [
      path,
      '-c',
      `import urllib.request\ntry:\n    urllib.request.urlopen("${fx.server.url}")\nexcept Exception as e:\n    print(type(e).__name__ + ": " + str(e))`,
    ];
  }

  const cases: { image: string; tool: TlsTool; path: string; reason: RegExp }[] = [
    {
      image: 'debian-clients',
      tool: 'curl',
      path: '/usr/bin/curl',
      reason: /^curl: \(60\) SSL certificate problem: .*(self-signed|local issuer)/,
    },
    {
      image: 'debian-clients',
      tool: 'wget',
      path: '/usr/bin/wget',
      reason: /^ERROR: The certificate of '127\.0\.0\.1' is not trusted\. ERROR: .*known issuer/,
    },
    {
      image: 'debian-clients',
      tool: 'openssl',
      path: '/usr/bin/openssl',
      reason: /^verify error:num=\d+:.*(self-signed|local issuer)/,
    },
    {
      image: 'debian-clients',
      tool: 'python3',
      path: '/usr/bin/python3',
      reason: /^URLError: <urlopen error \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed/,
    },
    { image: 'alpine', tool: 'wget', path: '/usr/bin/wget', reason: /^(ssl_client|wget): / },
  ];
  const ids = new Map<string, string>();
  async function container(image: string): Promise<string> {
    if (!ids.has(image)) {
      const id = await fx.start(testImage(image));
      ids.set(image, id);
    }
    return ids.get(image)!;
  }

  for (const c of cases) {
    it(`${c.tool} on ${c.image}: its own line, as printed by hand`, async () => {
      const id = await container(c.image);
      const result = await runCheck(client, id, fx.server.url, {
        clients: [{ tool: c.tool, path: c.path }],
        timeoutMs: 10_000,
      });
      assert.deepEqual([result.ok, result.tool, result.failure], [false, c.tool, 'untrusted'], JSON.stringify(result));
      assert.match(result.detail, c.reason);
      const printed = await execIn(id, byHand(c.tool, c.path));
      const lines = `${printed.stderr}\n${printed.stdout}`.split('\n').map((line) => line.trim());
      // GNU wget's reason is on the line after its ERROR line: both are the client's own.
      const joined = lines.map((line, i) => (line.startsWith('ERROR: ') ? `${line} ${lines[i + 1] ?? ''}` : line));
      assert.ok(
        joined.includes(result.detail),
        `"${result.detail}" is not a line ${c.tool} printed:\n${lines.join('\n')}`,
      );
    });
  }

  it("the check command shows curl's line in the table and in --json", async () => {
    const id = await container('debian-clients');
    const table = await trustpatch(['check', id, '--check-url', fx.server.url]);
    assert.match(table.stdout + table.stderr, /curl: \(60\) SSL certificate problem/);
    assert.doesNotMatch(table.stdout + table.stderr, /how to fix it/);
    const json = await trustpatch(['check', id, '--check-url', fx.server.url, '--json']);
    const detail = JSON.parse(json.stdout).containers[0].check.results[0].detail as string;
    assert.match(detail, /^curl: \(60\) SSL certificate problem: /);
  });
});
