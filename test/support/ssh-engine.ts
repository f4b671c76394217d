import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;

/** An ssh server on 127.0.0.1 whose only command is `docker system dial-stdio`, like a remote Docker host. */
export interface SshEngine {
  host: string;
  port: number;
  /** A HOME with .ssh/id_ed25519 (the accepted key) and, unless asked not to, .ssh/known_hosts. */
  home: string;
  /** Every exec'd command, in order. */
  commands: string[];
  close(): Promise<void>;
}

/**
 * Speaks SSH with the ssh2 package's own server, accepts one ed25519 client key, and answers
 * `docker system dial-stdio` the way the docker CLI does on a remote host: by joining the
 * channel to the engine's unix socket. It tests trustpatch's ssh:// set-up (key, known_hosts,
 * docker-modem's transport) without an sshd on the machine.
 */
export async function startSshEngine(socketPath: string, options: { knownHosts?: boolean } = {}): Promise<SshEngine> {
  const hostKey = utils.generateKeyPairSync('ed25519');
  const clientKey = utils.generateKeyPairSync('ed25519');
  const allowed = utils.parseKey(clientKey.public);
  if (allowed instanceof Error) throw allowed;
  const commands: string[] = [];
  const clients = new Set<{ end(): unknown }>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      const key = ctx.method === 'publickey' ? ctx.key : undefined;
      const same = key !== undefined && key.algo === allowed.type && key.data.length === allowed.getPublicSSH().length && timingSafeEqual(key.data, allowed.getPublicSSH());
      if (!same || ctx.method !== 'publickey') return ctx.reject(['publickey']);
      if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
      return allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          commands.push(info.command);
          const channel = acceptExec();
          if (info.command !== 'docker system dial-stdio') {
            channel.stderr.write(`not allowed here: ${info.command}\n`);
            channel.exit(127);
            channel.end();
            return;
          }
          const engine = netConnect(socketPath);
          channel.pipe(engine).pipe(channel);
          engine.on('error', () => channel.end());
          channel.on('close', () => engine.destroy());
        });
      });
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const home = await mkdtemp(join(tmpdir(), 'trustpatch-ssh-home-'));
  await mkdir(join(home, '.ssh'), { mode: 0o700 });
  await writeFile(join(home, '.ssh', 'id_ed25519'), clientKey.private, { mode: 0o600 });
  if (options.knownHosts !== false) await writeFile(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${hostKey.public}\n`);
  return {
    host: `ssh://root@127.0.0.1:${port}`,
    port,
    home,
    commands,
    close: async () => {
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(home, { recursive: true, force: true });
    },
  };
}
