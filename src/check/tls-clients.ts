import type { ExecResult } from '../docker/container-client.js';
import { tail } from '../errors.js';
import type { TlsClient } from './clients.js';
import { clientErrorLine } from './error-line.js';
import { execProblem } from './exec-problem.js';

/** How to run one client against a URL. */
export interface ClientRun {
  argv: string[];
  env?: string[];
  stdin?: string;
}

/**
 * `pass`: TLS verified; `fail`: the client ran and did not get through, either because it
 * rejected the certificate (`untrusted`) or because it never reached a TLS handshake with the
 * server (`unreachable`: refused, unresolvable, timed out); `unusable`: proves nothing.
 */
export type Verdict =
  | { kind: 'pass' }
  | { kind: 'fail'; detail: string; cause: FailureCause; exitCode?: number }
  | { kind: 'unusable'; detail: string };

/** `unprovable`: set after the patch when the CA does sign the server's chain (src/check/refusal.ts). */
export type FailureCause = 'untrusted' | 'unreachable' | 'unprovable';

// curl's exit codes for "no TLS conversation happened" (curl(1), EXIT CODES): could not resolve
// proxy/host, could not connect, timeout, empty reply, send/receive failure.
const CURL_UNREACHABLE = new Set([5, 6, 7, 28, 52, 55, 56]);
const UNREACHABLE_TEXT =
  /connection refused|could not resolve|bad address|name or service not known|network is unreachable|no route to host|timed out|timeout|connect:errno|unable to resolve|temporary failure in name resolution|URLError: <urlopen error \[Errno (111|113|-2|-3)\]/i;

/** Why a client that ran did not pass: a certificate it rejected, or a server it never reached. */
export function failureCause(tool: string, exitCode: number, output: string): FailureCause {
  if (tool === 'curl') return CURL_UNREACHABLE.has(exitCode) ? 'unreachable' : 'untrusted';
  if (/certificate|verif|self.signed|issuer|CERTIFICATE_VERIFY_FAILED/i.test(output)) return 'untrusted';
  return UNREACHABLE_TEXT.test(output) ? 'unreachable' : 'untrusted';
}

// urllib verifies the chain and the host name with the default context (or one that trusts only
// the CA file given as a third argument: what requests does with certifi.where()); an HTTP error
// status still means the TLS handshake was verified. Arguments: URL SECONDS [CAFILE].
export const PYTHON_TLS_CHECK = [
  'import sys, ssl, urllib.request, urllib.error',
  'cafile = sys.argv[3] if len(sys.argv) > 3 else None',
  'try:',
  '    urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]), context=ssl.create_default_context(cafile=cafile)).close()',
  'except urllib.error.HTTPError:',
  '    pass',
  'except Exception as error:',
  '    print(type(error).__name__ + ": " + str(error), file=sys.stderr)',
  '    sys.exit(1)',
].join('\n');

/** The argv (and environment) that checks `url` with this client, verifying the certificate. */
export function clientRun(client: TlsClient, url: URL, seconds: number, proxy?: string): ClientRun {
  const proxyEnv = proxy === undefined ? [] : [`https_proxy=${proxy}`, `HTTPS_PROXY=${proxy}`];
  switch (client.tool) {
    case 'curl':
      return {
        argv: [
          client.path,
          '-sS',
          '-o',
          '/dev/null',
          '--max-time',
          String(seconds),
          ...(proxy === undefined ? [] : ['--proxy', proxy]),
          '--',
          url.href,
        ],
      };
    case 'wget':
      // No -q: BusyBox prints its "validation not implemented" note only when not quiet.
      return { argv: [client.path, '-O', '/dev/null', '-T', String(seconds), url.href], env: proxyEnv };
    case 'openssl': {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const isIp = /^[\d.]+$|:/.test(host);
      const port = url.port || '443';
      // s_client checks no host name unless asked; -verify_return_error makes a bad chain fatal.
      const argv = [
        client.path,
        's_client',
        '-connect',
        `${url.hostname}:${port}`,
        '-verify_return_error',
        '-brief',
        ...(isIp ? ['-verify_ip', host] : ['-servername', host, '-verify_hostname', host]),
      ];
      if (proxy !== undefined) argv.push('-proxy', new URL(proxy).host);
      return { argv, stdin: '' };
    }
    case 'python3':
      return { argv: [client.path, '-c', PYTHON_TLS_CHECK, url.href, String(seconds)], env: proxyEnv };
  }
}

/** What one client's run proves. */
export function verdictOf(client: TlsClient, result: ExecResult): Verdict {
  const output = `${result.stderr}\n${result.stdout}`;
  if (execProblem(result) !== undefined)
    return { kind: 'unusable', detail: `${client.tool} cannot run (${tail(output, 1)})` };
  if (result.timedOut) return { kind: 'fail', detail: `${client.tool} timed out`, cause: 'unreachable' };
  if (result.exitCode >= 128) return { kind: 'unusable', detail: `${client.tool} crashed (exit ${result.exitCode})` };
  if (client.tool === 'wget') {
    // BusyBox built without validation says so and succeeds anyway (its built-in TLS prints it: https://git.busybox.net/busybox/tree/networking/tls.c); GNU wget
    // with check_certificate=off only warns. Neither proves anything.
    if (/certificate validation not implemented/i.test(output))
      return {
        kind: 'unusable',
        detail: 'wget does not validate certificates ("TLS certificate validation not implemented")',
      };
    if (/WARNING: cannot verify/i.test(output))
      return { kind: 'unusable', detail: 'wget has certificate checking turned off' };
  }
  // A python3 without its standard library (Debian's python3-minimal has no http module) ran
  // no TLS at all: that proves nothing about the CA.
  if (client.tool === 'python3' && result.exitCode !== 0 && /^(ModuleNotFoundError|ImportError): /m.test(output))
    return { kind: 'unusable', detail: `python3 cannot run the check (${clientErrorLine('python3', output)})` };
  if (client.tool === 'openssl' && result.exitCode === 0 && /Verification: OK|Verify return code: 0 /.test(output))
    return { kind: 'pass' };
  if (client.tool !== 'openssl' && result.exitCode === 0) return { kind: 'pass' };
  return {
    kind: 'fail',
    detail: clientErrorLine(client.tool, output),
    cause: failureCause(client.tool, result.exitCode, output),
    exitCode: result.exitCode,
  };
}
