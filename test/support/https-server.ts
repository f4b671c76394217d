import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reachableFromEngine } from './engine-netns.js';
import type { ServerCert } from './pki.js';

/**
 * An HTTPS server answering every request with 200, on one port of BOTH loopbacks (never any
 * other address): Podman 5 writes `::1 localhost` into a host-network container's /etc/hosts,
 * and BusyBox `wget` tries ::1 first, so a server on 127.0.0.1 alone is "unreachable" there.
 * For an engine in a network namespace of its own, the port is reachable there too.
 */
export interface LocalHttpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpsServer(cert: ServerCert): Promise<LocalHttpsServer> {
  const handler = (_request: unknown, response: ServerResponse) =>
    void response.writeHead(200, { 'content-type': 'text/plain' }).end('trusted\n');
  // The kernel picks a free port on 127.0.0.1; ::1 may hold that one already: try again then.
  for (let attempt = 1; ; attempt++) {
    const v4 = await listen(createServer(cert, handler), 0, '127.0.0.1');
    const { port } = v4.address() as AddressInfo;
    let v6: Server;
    try {
      v6 = await listen(createServer(cert, handler), port, '::1');
    } catch (error) {
      await shut(v4);
      if (attempt >= 5) throw error;
      continue;
    }
    const unreach = await reachableFromEngine(port);
    return {
      url: `https://127.0.0.1:${port}/`,
      port,
      close: async () => void (await Promise.all([unreach(), shut(v4), shut(v6)])),
    };
  }
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve(server)));
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
