import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNetns } from './engine.js';
import { relay } from './relay.js';

/**
 * Makes PORT of the machine's 127.0.0.1 reachable at the same port on both loopbacks of the
 * engine's own network namespace (docker26, podman5: see scripts/lib/trixie-enter.sh), where
 * its host-network containers live. A child under `nsenter --net` listens there; a unix socket,
 * which a network namespace does not fence, carries each connection back to this process, which
 * connects to 127.0.0.1:PORT. Nothing but loopback is used on either side. Returns the undo;
 * for the machine's own engines it does nothing.
 */
export async function reachableFromEngine(port: number, netns = engineNetns()): Promise<() => Promise<void>> {
  if (!netns) return async () => undefined;
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-netns-'));
  const path = join(dir, 'forward.sock');
  const server = createServer((client) => relay(client, connect(port, '127.0.0.1')));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  const script = fileURLToPath(new URL('./engine-netns-child.js', import.meta.url));
  const child = spawn('nsenter', [`--net=${netns}`, '--', process.execPath, script, String(port), path], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [said] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit')])) as [Buffer | number | null];
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    }
    server.close();
    await rm(dir, { recursive: true, force: true });
  };
  if (!Buffer.isBuffer(said) || !said.toString().startsWith('ready')) {
    await close();
    throw new Error(
      `could not make port ${port} reachable in the engine's network namespace ${netns} (forwarder exited: ${String(said)})`,
    );
  }
  return close;
}
