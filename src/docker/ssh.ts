import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where an ssh:// engine lives, as parseHost returns it. */
export interface SshTarget {
  hostname: string;
  port: number;
  username?: string;
}

/** The ssh2 client settings docker-modem passes through (it runs `docker system dial-stdio` remotely). */
export interface SshClientOptions {
  agent?: string;
  privateKey?: Buffer;
  hostVerifier: (key: Buffer) => boolean;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Authentication and host checking for ssh:// engines, close to what `ssh` does for the docker
 * CLI: the ssh-agent at SSH_AUTH_SOCK when there is one, else the first default key in ~/.ssh
 * (it must not need a passphrase); and the engine host's key must be in ~/.ssh/known_hosts
 * (docker-modem would otherwise accept any host key). ~/.ssh/config is not read.
 */
export function sshOptions(target: SshTarget, env: NodeJS.ProcessEnv): SshClientOptions {
  const sshDir = join(env.HOME || homedir(), '.ssh');
  const knownHosts = readOptional(join(sshDir, 'known_hosts'))?.toString('utf8') ?? '';
  const hostVerifier = (key: Buffer) => isKnownHost(knownHosts, target.hostname, target.port, key);
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK, hostVerifier };
  for (const name of DEFAULT_KEYS) {
    const privateKey = readOptional(join(sshDir, name));
    if (privateKey) return { privateKey, hostVerifier };
  }
  return { hostVerifier };
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
