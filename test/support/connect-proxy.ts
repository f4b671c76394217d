import { createServer, get, type Server } from 'node:http';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';

/**
 * A minimal HTTP proxy on 127.0.0.1, a stand-in for a real one: CONNECT tunnels to 127.0.0.1
 * only; an absolute-form GET is forwarded to 127.0.0.1 only, or answered from `answers` (as a
 * debugging proxy answers its own CA address); any other name gets 502 and is never looked up.
 */
export interface LocalConnectProxy {
  url: string;
  tunnels: string[];
  /** The absolute-form URLs asked with GET, in order. */
  gets: string[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  requireAuth?: string;
  /** Bodies the proxy serves itself, by absolute URL. */
  answers?: Record<string, string | Buffer>;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<LocalConnectProxy> {
  const tunnels: string[] = [];
  const gets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || !/^http:\/\//.test(request.url ?? '')) return void response.writeHead(405).end();
    gets.push(request.url!);
    const answer = options.answers?.[request.url!];
    if (answer !== undefined) return void response.writeHead(200).end(answer);
    const target = new URL(request.url!);
    if (target.hostname !== '127.0.0.1') return void response.writeHead(502).end();
    get({ host: '127.0.0.1', port: Number(target.port || 80), path: target.pathname + target.search }, (upstream) => {
      response.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(response);
    }).once('error', () => response.writeHead(502).end());
  });
  server.on('connect', (request, client: Socket) => {
    sockets.add(client);
    const expected =
      options.requireAuth === undefined ? undefined : `Basic ${Buffer.from(options.requireAuth).toString('base64')}`;
    if (expected !== undefined && request.headers['proxy-authorization'] !== expected)
      return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    const [host, port] = [
      request.url!.slice(0, request.url!.lastIndexOf(':')),
      Number(request.url!.slice(request.url!.lastIndexOf(':') + 1)),
    ];
    // Loopback only: a test proxy must never carry traffic anywhere else.
    if (host !== '127.0.0.1') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    tunnels.push(request.url!);
    const upstream = connectTcp(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    gets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
