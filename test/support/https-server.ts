import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerCert } from './pki.js';

/** An HTTPS server on 127.0.0.1 (never any other address) answering every request with 200. */
export interface LocalHttpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpsServer(cert: ServerCert): Promise<LocalHttpsServer> {
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('trusted\n');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
