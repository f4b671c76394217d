import { request } from 'node:http';

/** What one bounded GET came back with: a body, or why there is none (outcomes as values). */
export type HttpGetResult = { kind: 'body'; bytes: Buffer } | { kind: 'failed'; reason: string };

/** Fetches one http:// URL; injectable so discovery can be tested without a network. */
export type HttpGet = (url: URL, proxy: URL | undefined, limits: HttpLimits) => Promise<HttpGetResult>;

export interface HttpLimits {
  timeoutMs: number;
  maxBytes: number;
}

/**
 * GET an http:// URL, through `proxy` when given: then the request goes to the proxy in absolute
 * form (RFC 9112 section 3.2.2), so the name in the URL is never looked up here, only by the
 * proxy (or answered by the proxy itself, as mitm.it is by mitmproxy). Bounded in time (the
 * whole exchange) and size (the body), and never follows redirects.
 */
export const httpGet: HttpGet = (url, proxy, limits) =>
  new Promise((resolve) => {
    const via = proxy
      ? { host: bare(proxy.hostname), port: proxy.port === '' ? 80 : Number(proxy.port), path: url.href }
      : {
          host: bare(url.hostname),
          port: url.port === '' ? 80 : Number(url.port),
          path: `${url.pathname}${url.search}`,
        };
    const headers: Record<string, string> = { host: url.host, accept: '*/*' };
    if (proxy && proxy.username !== '')
      headers['proxy-authorization'] =
        `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const done = (result: HttpGetResult) => {
      clearTimeout(timer);
      resolve(result);
      outgoing.destroy();
    };
    const outgoing = request({ ...via, method: 'GET', headers }, (response) => {
      if (response.statusCode !== 200) return done({ kind: 'failed', reason: `HTTP ${response.statusCode}` });
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes)
          return done({ kind: 'failed', reason: `more than ${limits.maxBytes} bytes, too large for a certificate` });
        chunks.push(chunk);
      });
      response.once('end', () => done({ kind: 'body', bytes: Buffer.concat(chunks) }));
      response.once('error', (error) => done({ kind: 'failed', reason: error.message }));
    });
    const timer = setTimeout(
      () => done({ kind: 'failed', reason: `no answer within ${limits.timeoutMs / 1000}s` }),
      limits.timeoutMs,
    );
    outgoing.once('error', (error) => done({ kind: 'failed', reason: error.message }));
    outgoing.end();
  });

function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}
