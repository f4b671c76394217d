import { connect, createServer, type Server } from 'node:net';
import { relay } from './relay.js';

/**
 * Runs under `nsenter --net=NS` (test/support/engine-netns.ts): listens on PORT of both
 * loopbacks of that namespace and hands every connection to the unix socket PATH, which the
 * test process serves from the machine's side. Prints "ready", ends when stdin closes.
 */
const [port, path] = [Number(process.argv[2]), process.argv[3]!];
const forward = (client: import('node:net').Socket) => {
  relay(client, connect(path));
};
const listen = (host: string) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer(forward);
    s.once('error', reject).listen(port, host, () => resolve(s));
  });
const servers = await Promise.all([listen('127.0.0.1'), listen('::1')]);
process.stdout.write('ready\n');
process.stdin.on('end', () => {
  for (const server of servers) server.close();
  process.exit(0);
});
process.stdin.resume();
