import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { Agent, type ClientRequest, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { sessionArgs, type SshTarget } from './ssh-args.js';
import { sshFailure } from './ssh-errors.js';
import { SshMaster } from './ssh-master.js';
import { SshSocket } from './ssh-socket.js';

export type { SshTarget } from './ssh-args.js';

/**
 * `docker system dial-stdio` sessions at once per engine. sshd allows 10 per connection
 * (MaxSessions, sshd_config(5)); a hijacked exec stream holds one for as long as the command
 * runs, and keep-alive sockets hold one while idle, so the agent counts them all and keeps
 * two in reserve.
 */
export const MAX_SESSIONS = 8;
/** Connections at once through a forwarded engine socket: channels, which MaxSessions does not count. */
export const MAX_FORWARDED = 32;
/** An idle keep-alive session is closed after this long (the engine's own idle limit is longer). */
const IDLE_MS = 5_000;

/**
 * An HTTP agent for an ssh:// engine that behaves like `docker -H ssh://` (docker/cli
 * cli/connhelper): it runs the system `ssh`, so ~/.ssh/config (Host aliases, User, Port,
 * IdentityFile, ProxyJump), ssh-agent, passphrase prompts and known_hosts work as they do for
 * the docker CLI, and every connection is `docker system dial-stdio` on the remote host.
 * Unlike the CLI, everything shares one SSH connection (see SshMaster): a connection is a
 * channel to the engine socket the master forwards (when the remote engine is a unix socket),
 * else a `docker system dial-stdio` session, at most MAX_SESSIONS at once; both are reused
 * with HTTP keep-alive. docker-modem takes it as its `agent` and speaks plain
 * HTTP over it (its own ssh mode makes a connection per request and cannot say why a host
 * refused).
 */
export class SshAgent extends Agent {
  private readonly sessions = new Set<SshSocket>();
  private readonly waiting: (() => void)[] = [];
  private held = 0;

  /** Sessions open now, idle ones included. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  constructor(
    private readonly master: SshMaster,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    super({ keepAlive: true, maxSockets: MAX_SESSIONS, maxFreeSockets: MAX_SESSIONS });
  }

  /** A socket at once (so the Agent counts it), its ssh session once a slot and the master are there. */
  override createConnection(_options: ClientRequestArgs): Duplex {
    const target = this.master.target;
    const socket = new SshSocket((stderr, code) => sshFailure(target, stderr, code));
    this.sessions.add(socket);
    let slotHeld = false;
    socket.once('close', () => {
      this.sessions.delete(socket);
      if (slotHeld) this.release();
    });
    void this.master
      .ready()
      .then(() => {
        // The Agent reads maxSockets at each request: more once channels are known to be cheap.
        this.maxSockets = this.master.forwarded !== undefined ? MAX_FORWARDED : MAX_SESSIONS;
        return this.slot(this.maxSockets);
      })
      .then(async () => {
        if (socket.destroyed) return this.release();
        slotHeld = true;
        // The master may have gone while this waited for a slot.
        await this.master.ready();
        if (socket.destroyed) return;
        const forwarded = this.master.forwarded;
        if (forwarded !== undefined) {
          // A refused or missing socket means the master (and its forward) is gone.
          const link = netConnect(forwarded).once('error', () => this.master.lost());
          return socket.attachSocket(link);
        }
        const child = spawn(this.master.ssh, sessionArgs(target, this.master.controlPath), {
          env: this.env,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        // 255 is ssh's own failure (the master gone, the connection lost), not the remote command's.
        child.once('exit', (code) => code === 255 && this.master.lost());
        socket.attachChild(child);
      })
      .catch((error: Error) => socket.destroy(error));
    return socket;
  }

  /** Marks a socket idle when the agent pools it, and closes it after IDLE_MS unused, or at once when a session waits for its slot. */
  override keepSocketAlive(socket: Duplex): boolean {
    if (this.waiting.length > 0) return false;
    const ssh = socket as SshSocket;
    ssh.idle = true;
    setTimeout(() => ssh.idle && ssh.destroy(), IDLE_MS).unref();
    super.keepSocketAlive(socket as never);
    return true;
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    (socket as SshSocket).idle = false;
    // Node's own takes off the error listener it put on the pooled socket (lib/_http_agent.js).
    super.reuseSocket(socket as never, request);
  }

  /** A session slot: when all are taken, an idle keep-alive session gives its slot up. */
  private slot(limit: number): Promise<void> {
    if (this.held < limit) {
      this.held += 1;
      return Promise.resolve();
    }
    for (const socket of this.sessions) {
      if (socket.idle) {
        socket.destroy();
        break;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A slot freed goes to the longest waiter. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held -= 1;
  }
}

/** The agent for one ssh:// engine; the SSH connection is opened on its first request. */
export function sshAgent(target: SshTarget, env: NodeJS.ProcessEnv, ssh = 'ssh'): SshAgent {
  return new SshAgent(new SshMaster(target, env, ssh), env);
}
