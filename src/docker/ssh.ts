import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, type ClientRequestArgs } from 'node:http';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type ConnectConfig } from 'ssh2';

/** Where an ssh:// engine lives, as parseHost returns it. */
export interface SshTarget {
  hostname: string;
  port: number;
  username?: string;
}

/**
 * An HTTP agent whose every connection is an ssh session running `docker system dial-stdio`
 * on the engine's host, as the docker CLI does for ssh:// (docker/cli connhelper). docker-modem
 * has an ssh mode too, but it builds an invalid URL (Node prints a DEP0170 warning on every
 * run) and it cannot say why a host was refused; with this agent the modem speaks plain HTTP.
 */
export class SshAgent extends Agent {
  constructor(private readonly config: ConnectConfig & { refusal: () => string | undefined }) {
    super({ keepAlive: false });
  }

  override createConnection(_options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const done = callback ?? (() => {});
    const connection = new ssh2.Client();
    connection
      .once('ready', () => {
        connection.exec('docker system dial-stdio', (error, channel) => {
          if (error) {
            connection.end();
            done(error, undefined as unknown as Duplex);
            return;
          }
          channel.once('close', () => connection.end());
          done(null, channel);
        });
      })
      .once('error', (error) => done(new Error(this.config.refusal() ?? error.message), undefined as unknown as Duplex))
      .connect(this.config);
    return undefined;
  }
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * How to reach an ssh:// engine, close to what `ssh` does for the docker CLI: the ssh-agent at
 * SSH_AUTH_SOCK when there is one, else the first default key in ~/.ssh (it must not need a
 * passphrase); the user from the address, else the local one; and the host's key must be in
 * ~/.ssh/known_hosts. ~/.ssh/config is not read.
 */
export function sshAgent(target: SshTarget, env: NodeJS.ProcessEnv): SshAgent {
  const sshDir = join(env.HOME || homedir(), '.ssh');
  const knownHosts = readOptional(join(sshDir, 'known_hosts'))?.toString('utf8') ?? '';
  let refusal: string | undefined;
  const hostVerifier = (key: Buffer) => {
    if (isKnownHost(knownHosts, target.hostname, target.port, key)) return true;
    const fingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
    refusal = `host key ${fingerprint} of ${target.port === 22 ? target.hostname : `[${target.hostname}]:${target.port}`} is not in ${join(sshDir, 'known_hosts')}`;
    return false;
  };
  const username = target.username ?? (env.USER || userInfo().username);
  const base = { host: target.hostname, port: target.port, username, hostVerifier, refusal: () => refusal, readyTimeout: 20_000 };
  if (env.SSH_AUTH_SOCK) return new SshAgent({ ...base, agent: env.SSH_AUTH_SOCK });
  for (const name of DEFAULT_KEYS) {
    const privateKey = readOptional(join(sshDir, name));
    if (privateKey) return new SshAgent({ ...base, privateKey });
  }
  return new SshAgent(base);
}

/**
 * True when `known_hosts` text lists `key` (the raw SSH public key blob) for the host: plain
 * or `[host]:port` names, comma lists, `*`/`?` patterns and hashed (`|1|salt|hash`) entries.
 * `@revoked` lines reject the key; `@cert-authority` lines are not supported and never match.
 */
export function isKnownHost(knownHosts: string, hostname: string, port: number, key: Buffer): boolean {
  const name = port === 22 ? hostname : `[${hostname}]:${port}`;
  let known = false;
  for (const raw of knownHosts.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [patterns, , base64] = fields;
    if (patterns === undefined || base64 === undefined || !hostMatches(patterns, name)) continue;
    if (!Buffer.from(base64, 'base64').equals(key)) continue;
    if (marker === '@revoked') return false;
    if (marker === undefined) known = true;
  }
  return known;
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (regex.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
