import assert from 'node:assert/strict';
import { bundleVerified, checkSummary, runCheck } from '../../src/check/https-check.js';
import type { ExecOptions } from '../../src/docker/container-client.js';
import { FakeClient, FakeContainer, type ExecHandler } from '../support/fake-client.js';

const URL_IP = 'https://127.0.0.1:8443/';
const NOT_IMPLEMENTED =
  "Connecting to 127.0.0.1:8443 (127.0.0.1:8443)\nwget: note: TLS certificate validation not implemented\nsaving to '/dev/null'\n";

describe('the HTTPS check inside a container (fake engine)', () => {
  function setup(programs: string[], handler: ExecHandler) {
    const client = new FakeClient();
    const container = client.add(new FakeContainer('c1', 'one'));
    for (const path of programs) container.write(path, 'ELF');
    const seen: { argv: readonly string[]; options: ExecOptions }[] = [];
    container.handler = (argv, self, options) => {
      seen.push({ argv, options });
      return handler(argv, self, options);
    };
    return { client, seen };
  }

  it('prefers curl, by absolute path, and only a passing TLS check is ok', async () => {
    const { client, seen } = setup(['/usr/bin/curl', '/usr/bin/wget'], () => ({ exitCode: 0 }));
    const result = await runCheck(client, 'c1', URL_IP, { proxy: 'http://127.0.0.1:3128' });
    assert.deepEqual(result, { url: URL_IP, ok: true, tool: 'curl', verifiedBy: 'tls', detail: 'ok' });
    assert.deepEqual(seen[0]!.argv, [
      '/usr/bin/curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '15',
      '--proxy',
      'http://127.0.0.1:3128',
      '--',
      URL_IP,
    ]);
  });

  it("reports a curl failure with its exit code and curl's own error line, not its advice after it", async () => {
    const stderr = `curl: (60) SSL certificate problem: unable to get local issuer certificate\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.\n`;
    const { client } = setup(['/usr/bin/curl'], () => ({ exitCode: 60, stderr }));
    const result = await runCheck(client, 'c1', URL_IP);
    assert.equal(result.ok, false);
    assert.equal(result.verifiedBy, null);
    assert.equal(result.detail, 'curl: (60) SSL certificate problem: unable to get local issuer certificate');
    assert.equal(result.exitCode, 60);
    assert.equal(checkSummary(result), 'failed (curl 60)');
  });

  it('never counts a BusyBox wget that does not validate, even when it exits 0', async () => {
    const { client } = setup(['/bin/wget'], (argv) =>
      argv[0] === '/bin/wget' ? { exitCode: 0, stderr: NOT_IMPLEMENTED } : undefined,
    );
    const result = await runCheck(client, 'c1', URL_IP);
    assert.equal(result.ok, false);
    assert.equal(result.tool, null);
    assert.equal(result.verifiedBy, null);
    assert.match(result.detail, /TLS certificate validation not implemented/);
    assert.equal(checkSummary(result), 'unavailable');
  });

  it('moves on from a non-validating or crashing wget to openssl s_client, which must say Verification: OK', async () => {
    for (const wget of [
      { exitCode: 0, stderr: NOT_IMPLEMENTED },
      { exitCode: 139, stderr: '' },
    ]) {
      const { client, seen } = setup(['/bin/wget', '/usr/bin/openssl'], (argv) =>
        argv[0] === '/bin/wget' ? wget : { exitCode: 0, stderr: 'Protocol version: TLSv1.3\nVerification: OK\n' },
      );
      const result = await runCheck(client, 'c1', URL_IP);
      assert.deepEqual([result.ok, result.tool, result.verifiedBy], [true, 'openssl', 'tls']);
      const openssl = seen.find((s) => s.argv[0] === '/usr/bin/openssl')!;
      assert.deepEqual(openssl.argv, [
        '/usr/bin/openssl',
        's_client',
        '-connect',
        '127.0.0.1:8443',
        '-verify_return_error',
        '-brief',
        '-verify_ip',
        '127.0.0.1',
      ]);
      assert.equal(openssl.options.stdin, '', 'stdin is closed so s_client ends after the handshake');
    }
  });

  it('checks the host name with openssl for a named host, and reports its verify error', async () => {
    const { client, seen } = setup(['/usr/bin/openssl'], () => ({
      exitCode: 1,
      stderr: 'verify error:num=20:unable to get local issuer certificate\n',
    }));
    const result = await runCheck(client, 'c1', 'https://localhost:9443/x', { proxy: 'http://127.0.0.1:3128' });
    assert.deepEqual(seen[0]!.argv.slice(2), [
      '-connect',
      'localhost:9443',
      '-verify_return_error',
      '-brief',
      '-servername',
      'localhost',
      '-verify_hostname',
      'localhost',
      '-proxy',
      '127.0.0.1:3128',
    ]);
    assert.equal(result.detail, 'verify error:num=20:unable to get local issuer certificate');
    assert.equal(checkSummary(result), 'failed (openssl 1)');
    assert.equal(result.ok, false);
  });

  it('an openssl that exits 0 without "Verification: OK" proves nothing and fails', async () => {
    const { client } = setup(['/usr/bin/openssl'], () => ({ exitCode: 0, stderr: 'CONNECTION ESTABLISHED\n' }));
    assert.equal((await runCheck(client, 'c1', URL_IP)).ok, false);
  });

  it('falls back to python3 with the proxy in the environment', async () => {
    const { client, seen } = setup(['/usr/local/bin/python3'], () => ({ exitCode: 0 }));
    const result = await runCheck(client, 'c1', URL_IP, { proxy: 'http://127.0.0.1:3128' });
    assert.deepEqual([result.ok, result.tool], [true, 'python3']);
    assert.equal(seen[0]!.argv[0], '/usr/local/bin/python3');
    assert.ok(seen[0]!.options.env?.includes('https_proxy=http://127.0.0.1:3128'));
  });

  it('a python3 without its standard library proves nothing (it is not a rejection of the CA)', async () => {
    const stderr =
      'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n    import http.client\nModuleNotFoundError: No module named \'http\'\n';
    const { client } = setup(['/usr/bin/python3'], () => ({ exitCode: 1, stderr }));
    const result = await runCheck(client, 'c1', URL_IP);
    assert.deepEqual([result.ok, result.tool, result.failure], [false, null, undefined]);
    assert.match(result.detail, /python3 cannot run the check \(ModuleNotFoundError: No module named 'http'\)/);
  });

  it('treats a program that cannot run (exec 127) as absent', async () => {
    const { client } = setup(['/usr/bin/curl'], () => ({
      exitCode: 127,
      stderr: 'OCI runtime exec failed: exec: "/usr/bin/curl": no such file or directory',
    }));
    const result = await runCheck(client, 'c1', URL_IP);
    assert.deepEqual([result.ok, result.tool, result.verifiedBy], [false, null, null]);
  });

  it('with no TLS client at all, says so; "bundle verified" is distinct and never ok', async () => {
    const { client, seen } = setup([], () => ({ exitCode: 0 }));
    const result = await runCheck(client, 'c1', URL_IP);
    assert.equal(seen.length, 0, 'nothing is run when no client exists');
    const weaker = bundleVerified(result);
    assert.deepEqual([weaker.ok, weaker.tool, weaker.verifiedBy], [false, null, 'bundle']);
    assert.match(weaker.detail, /^bundle verified: the CA is in every bundle, but there is no TLS client/);
    assert.equal(checkSummary(weaker), 'bundle verified');
  });
});
