import { request } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { UserError } from '../errors.js';
import { describeProxy, type Target } from './proxy-env.js';

/** Reads the certificates a TLS server presents; injectable so commands can be tested without one. */
export type ChainReader = (target: Target, proxy: URL | undefined, timeoutMs: number) => Promise<Buffer[]>;

/**
 * The DER certificates the server at `target` presents, leaf first, reached directly or through
 * an HTTP CONNECT tunnel. Verification is off only so that the handshake completes and the chain
 * can be *read*: nothing is sent over the connection, and the result is never trusted by itself.
 */
export const presentedChain: ChainReader = async (target, proxy, timeoutMs) => {
  const where = `${target.host}:${target.port}${proxy ? ` through ${describeProxy(proxy)}` : ''}`;
  const tunnel = proxy ? await openTunnel(proxy, target, timeoutMs, where) : undefined;
  return new Promise<Buffer[]>((resolve, reject) => {
    const socket: TLSSocket = connect({
      ...(tunnel ? { socket: tunnel } : { host: target.host, port: target.port }),
      servername: isIP(target.host) === 0 ? target.host : undefined,
      rejectUnauthorized: false,
      // An empty trust store: otherwise Node completes the chain from its own roots, and the
      // result would no longer be what the server sent.
      ca: [],
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs / 1000}s`)));
    socket.once('secureConnect', () => {
      const chain = chainOf(socket.getPeerCertificate(true));
      socket.destroy();
      resolve(chain);
    });
    socket.once('error', (error) => {
      tunnel?.destroy();
      reject(
        new UserError(`${where}: ${error.message}; check the URL${proxy ? ' and the proxy' : ', or give --proxy'}.`),
      );
    });
  });
};

/** Follows issuerCertificate links: Node orders the sent certificates by issuer for us. */
function chainOf(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current?.raw !== undefined && !chain.some((der) => der.equals(current!.raw))) {
    chain.push(current.raw);
    current = current.issuerCertificate;
  }
  return chain;
}

function openTunnel(proxy: URL, target: Target, timeoutMs: number, where: string): Promise<Socket> {
  const authority = isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return new Promise<Socket>((resolve, reject) => {
    const connectRequest = request({
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port === '' ? 80 : Number(proxy.port),
      method: 'CONNECT',
      path: authority,
      headers,
    });
    connectRequest.setTimeout(timeoutMs, () =>
      connectRequest.destroy(new Error(`the proxy did not answer within ${timeoutMs / 1000}s`)),
    );
    connectRequest.once('connect', (response, socket) => {
      // The request's timeout is the socket's: clear it now that the socket is the tunnel's.
      socket.setTimeout(0);
      if (response.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(
        new UserError(
          `${where}: the proxy refused the tunnel (HTTP ${response.statusCode} ${response.statusMessage ?? ''}); check the proxy URL and its credentials.`,
        ),
      );
    });
    connectRequest.once('error', (error) =>
      reject(new UserError(`${where}: cannot reach the proxy (${error.message}); check --proxy or HTTPS_PROXY.`)),
    );
    connectRequest.end();
  });
}
