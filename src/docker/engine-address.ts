import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';

/** TLS material for a tcp:// engine; `verify: false` skips checking the engine's certificate. */
export interface EngineTls {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** One engine to talk to: its address, where that came from (for messages), and TLS. */
export interface EngineAddress {
  /** `unix:///path`, `tcp://HOST:PORT` or `ssh://[USER@]HOST[:PORT]`, as reports show it. */
  host: string;
  /** `--host`, `DOCKER_HOST`, `context "NAME"` or `default`. */
  origin: string;
  tls?: EngineTls;
}

export type ParsedHost =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; hostname: string; port: number }
  | { kind: 'ssh'; hostname: string; port: number; username?: string };

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * Parses an engine address the way the docker CLI does (opts.ParseHost): `unix://PATH`,
 * `tcp://HOST[:PORT]` (a bare `HOST:PORT` means tcp; the port defaults to 2375, or 2376 with
 * TLS), `ssh://[USER@]HOST[:PORT]`. Anything else is a user error naming the value.
 */
export function parseHost(host: string, origin: string, tls = false): ParsedHost {
  const value = host.trim();
  const bad = (why: string) =>
    new UserError(
      `${origin} ${JSON.stringify(host)}: ${why}; give unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST.`,
    );
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || DEFAULT_SOCKET;
    if (!socketPath.startsWith('/')) throw bad('a unix socket path must be absolute');
    return { kind: 'unix', socketPath };
  }
  const withScheme = value.includes('://') ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad('not an engine address');
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') throw bad('no host name');
  if (url.protocol === 'tcp:') return { kind: 'tcp', hostname, port: url.port ? Number(url.port) : tls ? 2376 : 2375 };
  if (url.protocol === 'ssh:')
    return {
      kind: 'ssh',
      hostname,
      port: url.port ? Number(url.port) : 22,
      username: url.username ? decodeURIComponent(url.username) : undefined,
    };
  throw bad(`unsupported scheme ${url.protocol.replace(/:$/, '')}://`);
}

/** The docker CLI's configuration directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/**
 * TLS for `--host` / DOCKER_HOST tcp:// addresses from the environment, as the docker CLI reads
 * it: DOCKER_TLS_VERIFY (any non-empty value) means TLS with the engine's certificate checked
 * against ca.pem; DOCKER_TLS alone means TLS without that check. The files come from
 * DOCKER_CERT_PATH, else the config directory. Undefined when neither variable is set.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv): EngineTls | undefined {
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  if (!verify && (env.DOCKER_TLS ?? '') === '') return undefined;
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  const read = (file: string, required: boolean) => readPem(join(dir, file), required, 'DOCKER_CERT_PATH');
  // With verification the CLI insists on all three files; without it, it uses those present.
  return { verify, ca: read('ca.pem', verify), cert: read('cert.pem', verify), key: read('key.pem', verify) };
}

/** A PEM file, or undefined when it is missing and optional; a missing required one is a user error. */
export function readPem(path: string, required: boolean, setting: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new UserError(
      `${path}: cannot read it (${code ?? String(error)}); put the engine's TLS files there or point ${setting} at them.`,
    );
  }
}
