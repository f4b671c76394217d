import { connect, createServer, type Socket } from 'node:net';
import { relay } from './relay.js';

/**
 * Runs under `nsenter --net=NS` (test/support/tls-engine.ts): listens on the unix socket PATH,
 * which a network namespace does not fence, and connects each connection to PORT on that
 * namespace's 127.0.0.1, where the throwaway engine's tcp:// listener is. The reverse of
 * engine-netns-child.ts. Prints "ready", ends when stdin closes.
 */
const [path, port] = [process.argv[2]!, Number(process.argv[3])];
const server = createServer((client: Socket) => {
  relay(client, connect(port, '127.0.0.1'));
});
server.once('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
server.listen(path, () => process.stdout.write('ready\n'));
process.stdin.on('end', () => {
  server.close();
  process.exit(0);
});
process.stdin.resume();
