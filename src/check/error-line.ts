import type { TlsTool } from './clients.js';

/**
 * The line in which a TLS client says why it failed, in its own words: what the user would
 * read running the client by hand, never a trailer such as curl's "how to fix it, please visit
 * the web page mentioned above." (curl prints its error first and its advice after it).
 */
export function clientErrorLine(tool: TlsTool, output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const first = (pattern: RegExp): string | undefined => lines.find((line) => pattern.test(line));
  const chosen = (() => {
    switch (tool) {
      // curl(1): errors are "curl: (N) message" on stderr with -sS.
      case 'curl':
        return first(/^curl: \(\d+\) /);
      case 'wget':
        return gnuWgetError(lines) ?? first(/^ssl_client: /) ?? first(/^wget: /) ?? first(/failed: /);
      // s_client: the verification error first, else the connection's own line.
      case 'openssl':
        return first(/^verify error:/) ?? first(/^connect:errno=/) ?? first(/:error:/);
      case 'python3':
        return lines.at(-1);
    }
  })();
  return (chosen ?? lines.at(-1) ?? '(no output)').trim();
}

/**
 * GNU wget built with OpenSSL prints "ERROR: cannot verify HOST's certificate, issued by ...:"
 * and the reason on the next, indented line (src/openssl.c); built with GnuTLS (Debian's) it
 * prints "ERROR: The certificate of 'HOST' is not trusted." and the reason as a second ERROR
 * line (src/gnutls.c). Either way one line holds both.
 */
function gnuWgetError(lines: readonly string[]): string | undefined {
  const start = lines.findIndex((line) => line.startsWith('ERROR: '));
  if (start < 0) return undefined;
  const reason: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s|^ERROR: /.test(line)) break;
    reason.push(line.trim());
  }
  return [lines[start]!, ...reason].join(' ');
}
