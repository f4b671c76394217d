import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as netConnect, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { makeSignedCert, type ServerCert, type TestCa } from './pki.js';

/** A TLS front for a unix-socket engine, like dockerd's `--tlsverify -H tcp://…`, on 127.0.0.1. */
export interface TlsEngineProxy {
  host: string;
  port: number;
  /** The first request line of each connection whose client certificate the proxy accepted. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Terminates TLS on 127.0.0.1 with `server`, requires a client certificate signed by `ca`, and
 * forwards the decrypted bytes to the engine's unix socket, exec's upgraded streams included.
 * It tests trustpatch's TLS set-up (DOCKER_CERT_PATH, contexts), not dockerd's TLS code.
 */
export async function startTlsEngineProxy(ca: TestCa, server: ServerCert, socketPath: string): Promise<TlsEngineProxy> {
  const requests: string[] = [];
  const open = new Set<{ destroy(): void }>();
  const tls = createTlsServer(
    { cert: server.cert, key: server.key, ca: ca.pem, requestCert: true, rejectUnauthorized: true },
    (client: TLSSocket) => {
      const engine = netConnect(socketPath);
      open.add(client).add(engine);
      client.once('data', (chunk: Buffer) => requests.push(chunk.toString('latin1').split('\r\n')[0] ?? ''));
      client.pipe(engine).pipe(client);
      const end = () => {
        client.destroy();
        engine.destroy();
        open.delete(client);
        open.delete(engine);
      };
      client.on('error', end).on('close', end);
      engine.on('error', end).on('close', end);
    },
  );
  tls.on('tlsClientError', () => {});
  const port = await listen(tls);
  const stop = async () => {
    for (const socket of open) socket.destroy();
    await close(tls);
  };
  return { host: `tcp://127.0.0.1:${port}`, port, requests, close: stop };
}

/** A client certificate signed by `ca`, in a DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem. */
export async function makeDockerCertDir(ca: TestCa, options: { client?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-certpath-'));
  await writeFile(join(dir, 'ca.pem'), ca.pem);
  if (options.client === false) return dir;
  await makeSignedCert(ca, {
    keyPath: join(dir, 'key.pem'),
    certPath: join(dir, 'cert.pem'),
    subject: '/CN=trustpatch test client',
    extensions: 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n',
  });
  return dir;
}

/** An HTTP server on a fresh unix socket that answers every request with `handler`: not an engine. */
export async function startSocketServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ socketPath: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-sock-'));
  const socketPath = join(dir, 'engine.sock');
  const server = createHttpServer(handler);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return {
    socketPath,
    close: async () => {
      await close(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
