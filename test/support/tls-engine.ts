import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDockerCertDir } from './engine-servers.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from './pki.js';
import { ThrowawayEngine } from './second-engine.js';

/** dockerd's TLS port inside its own network namespace (nothing else listens there). */
const ENGINE_PORT = 2376;

/** A real dockerd serving its API with `--tlsverify`, reachable from the machine's 127.0.0.1. */
export interface TlsEngine {
  /** The engine itself: its docker CLI over its unix socket, for set-up and checks. */
  engine: ThrowawayEngine;
  /** `tcp://127.0.0.1:PORT` on the machine: TLS with client certificates, nothing else. */
  host: string;
  /** The CA that signed the engine's server certificate and the client certificate. */
  ca: TestCa;
  /** A DOCKER_CERT_PATH directory: ca.pem, cert.pem, key.pem (a client certificate of `ca`). */
  certDir: string;
  /** TCP connections made to `host` so far. */
  connections(): number;
  /** Stops the engine (its containers with it), the forwarder, and removes every file made. */
  close(): Promise<void>;
}

/**
 * Starts Debian's dockerd (the machine's binary) as a ThrowawayEngine in a network namespace
 * of its own, with `--tlsverify --tlscacert --tlscert --tlskey -H tcp://127.0.0.1:2376` (a CA,
 * server and client certificates made here), and makes that port reachable from the machine:
 * a listener on a free port of the machine's 127.0.0.1 hands each connection over a unix socket
 * to a forwarder under `nsenter --net` (netns-dial-child.ts), which connects to the engine's
 * port in its namespace. The bytes are not touched: TLS is between the client and dockerd.
 */
export async function startTlsEngine(): Promise<TlsEngine> {
  const ca = await makeCa('Engine TLS CA');
  const made: {
    dir?: string;
    certDir?: string;
    engine?: ThrowawayEngine;
    child?: ReturnType<typeof spawn>;
    front?: Server;
  } = {};
  const open = new Set<Socket>();
  let accepted = 0;
  const close = async () => {
    for (const socket of open) socket.destroy();
    if (made.front) await new Promise((resolve) => made.front!.close(resolve));
    const child = made.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.stdin?.end();
      await exited;
    }
    await made.engine?.stop();
    for (const dir of [made.dir, made.certDir]) if (dir) await rm(dir, { recursive: true, force: true });
    await removeCa(ca);
  };
  try {
    const server = await makeServerCert(ca, 'engine');
    made.certDir = await makeDockerCertDir(ca);
    made.engine = await ThrowawayEngine.start([
      '--tlsverify',
      '--tlscacert',
      ca.certPath,
      '--tlscert',
      server.certPath,
      '--tlskey',
      server.keyPath,
      '-H',
      `tcp://127.0.0.1:${ENGINE_PORT}`,
    ]);
    made.dir = await mkdtemp(join(tmpdir(), 'trustpatch-tls-engine-'));
    const path = join(made.dir, 'dial.sock');
    const script = fileURLToPath(new URL('./netns-dial-child.js', import.meta.url));
    const child = spawn(
      'nsenter',
      [`--net=${made.engine.netns}`, '--', process.execPath, script, path, String(ENGINE_PORT)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    made.child = child;
    const [said] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')])) as [Buffer | number | null];
    if (!Buffer.isBuffer(said) || !said.toString().startsWith('ready'))
      throw new Error(`the forwarder into the TLS engine's namespace exited (${String(said)})`);
    const front = createServer((client) => {
      accepted += 1;
      const upstream = connect(path);
      open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    made.front = front;
    await new Promise<void>((resolve, reject) => front.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = front.address() as { port: number };
    return {
      engine: made.engine,
      host: `tcp://127.0.0.1:${port}`,
      ca,
      certDir: made.certDir,
      connections: () => accepted,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
