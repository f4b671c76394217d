import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's docker-registry (distribution 2.x), installed by scripts/ensure-registry.sh. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * A network namespace of the test's own with a veth pair: the registry listens on an address
 * in 198.18.0.0/15 (RFC 2544, benchmarking: never routed) that is not loopback, because
 * Docker treats 127.0.0.0/8 as an insecure registry and would never read certs.d for it.
 */
export interface Netns {
  name: string;
  /** The registry's address, inside the namespace. */
  address: string;
  remove(): Promise<void>;
}

export async function createNetns(): Promise<Netns> {
  const tag = randomBytes(3).toString('hex');
  const name = `tp-reg-${tag}`;
  const hostSide = `tpr${tag}h`;
  const nsSide = `tpr${tag}n`;
  const used = (await run('ip', ['-4', '-o', 'addr'])).stdout;
  const octet = [...Array(50)]
    .map(() => 1 + Math.floor(Math.random() * 254))
    .find((n) => !used.includes(`198.18.${n}.`));
  if (octet === undefined) throw new Error('no free 198.18.N.0/30 subnet for the test namespace');
  const address = `198.18.${octet}.2`;
  const remove = async () => {
    await run('ip', ['netns', 'delete', name]).catch(() => undefined); // takes the veth pair with it
    await run('ip', ['link', 'delete', hostSide]).catch(() => undefined);
  };
  try {
    await run('ip', ['netns', 'add', name]);
    await run('ip', ['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide]);
    await run('ip', ['link', 'set', nsSide, 'netns', name]);
    await run('ip', ['addr', 'add', `198.18.${octet}.1/30`, 'dev', hostSide]);
    await run('ip', ['link', 'set', hostSide, 'up']);
    await run('ip', ['-n', name, 'addr', 'add', `${address}/30`, 'dev', nsSide]);
    await run('ip', ['-n', name, 'link', 'set', nsSide, 'up']);
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await remove();
    throw new Error(
      `could not create the test network namespace (needs root and ip netns): ${(error as Error).message}`,
    );
  }
  return { name, address, remove };
}

export interface RegistryTls {
  certPath: string;
  keyPath: string;
  /** CA whose certificates the registry accepts from clients (http.tls.clientcas). */
  clientCaPath: string;
}

export interface RunningRegistry {
  /** `host:port` as in image names. */
  address: string;
  log(): string;
  stop(): Promise<void>;
}

/** Runs `docker-registry serve` with TLS that requires client certificates, storage in `dir`. */
export async function startRegistry(options: {
  dir: string;
  host: string;
  port: number;
  tls: RegistryTls;
  netns?: string;
}): Promise<RunningRegistry> {
  const config = join(options.dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(options.dir, 'storage')}}}`,
      'http:',
      `  addr: ${options.host}:${options.port}`,
      '  tls:',
      `    certificate: ${options.tls.certPath}`,
      `    key: ${options.tls.keyPath}`,
      `    clientcas: [${options.tls.clientCaPath}]`,
      '',
    ].join('\n'),
  );
  const argv = [REGISTRY_BINARY, 'serve', config];
  // `ip netns exec` execs the binary in place: the child's pid is the registry's.
  const child: ChildProcess =
    options.netns === undefined
      ? spawn(argv[0]!, argv.slice(1))
      : spawn('ip', ['netns', 'exec', options.netns, ...argv]);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${options.host}:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntilListening(address, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; registry output:\n${output}`);
  }
  return { address, log: () => output, stop };
}

/** Polls until the registry accepts TCP connections: it is serving from then on. */
async function waitUntilListening(address: string, died: () => boolean): Promise<void> {
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (died()) throw new Error(`docker-registry exited before serving on ${address}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, timeout: 1000 }, () => {
        socket.destroy();
        resolve(true);
      });
      socket
        .on('error', () => resolve(false))
        .on('timeout', () => {
          socket.destroy();
          resolve(false);
        });
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not listen on ${address}`);
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
