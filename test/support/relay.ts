import type { Socket } from 'node:net';

/** Pipes two sockets into each other; an error on either ends both (the forwarders between namespaces). */
export function relay(client: Socket, upstream: Socket): void {
  client.pipe(upstream).pipe(client);
  const drop = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop);
  upstream.on('error', drop);
}
