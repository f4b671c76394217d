import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopDaemon, waitForPort } from './local-daemon.js';

/** mitmproxy (mitmdump) on 127.0.0.1: it presents only the forged leaf, and serves its CA at http://mitm.it/. */
export interface LocalMitmproxy {
  url: string;
  /** The CA certificate mitmproxy made for this run (mitmproxy-ca-cert.pem in its confdir), as bytes. */
  caPem: Buffer;
  close(): Promise<void>;
}

/**
 * Starts Debian's mitmdump (scripts/ensure-proxy-tools.sh) with its own confdir in a temporary
 * directory, so it makes a fresh CA there (https://docs.mitmproxy.org/stable/concepts/certificates/).
 * --ssl-insecure: the upstream servers are the test's own, signed by CAs mitmproxy does not know.
 */
export async function startMitmproxy(): Promise<LocalMitmproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-mitm-'));
  const port = await freePort();
  const log = await open(join(dir, 'mitmdump.log'), 'w');
  const child = spawn(
    'mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      `confdir=${dir}`,
      '--ssl-insecure',
      '--quiet',
    ],
    { stdio: ['ignore', log.fd, log.fd] },
  );
  try {
    await waitForPort(port, child, 'mitmdump');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    await log.close();
  }
  return {
    url: `http://127.0.0.1:${port}`,
    caPem: await readFile(join(dir, 'mitmproxy-ca-cert.pem')),
    close: () => stopDaemon(child, dir),
  };
}
