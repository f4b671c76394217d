import { UserError } from '../errors.js';
import { currentContextName, DEFAULT_CONTEXT, loadContext } from './context.js';
import { DEFAULT_SOCKET, parseHost, tlsFromEnv, type EngineAddress } from './engine-address.js';

export interface EngineChoice {
  /** `--host` values, in order; each names one engine. */
  hosts?: readonly string[];
  /** `--context` values, in order; each names one engine. */
  contexts?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * The engines a run talks to, picked the way the docker CLI picks one, so trustpatch reaches
 * the engine `docker ps` shows: each --host and each --context given; else DOCKER_HOST; else
 * DOCKER_CONTEXT; else the `currentContext` of config.json; else /var/run/docker.sock.
 * Unlike the CLI, --host and --context may be combined (each adds an engine). The same
 * address given twice is used once. Every address is parsed here, so a bad one is a user
 * error before anything is touched.
 */
export function resolveEngines(choice: EngineChoice = {}): EngineAddress[] {
  const env = choice.env ?? process.env;
  const hosts = choice.hosts ?? [];
  const contexts = choice.contexts ?? [];
  const picked: EngineAddress[] = [];
  for (const host of hosts) picked.push(fromHost(host, '--host', env));
  for (const name of contexts) picked.push(fromContext(name, env));
  if (picked.length === 0) {
    if (env.DOCKER_HOST) picked.push(fromHost(env.DOCKER_HOST, 'DOCKER_HOST', env));
    else picked.push(fromContext(currentContextName(env), env));
  }
  const seen = new Set<string>();
  return picked.filter((address) => !seen.has(address.host) && seen.add(address.host));
}

/** A --host or DOCKER_HOST value: TLS settings come from the environment for tcp:// only. */
function fromHost(host: string, origin: string, env: NodeJS.ProcessEnv): EngineAddress {
  if (host.trim() === '')
    throw new UserError(`${origin} is empty; give an engine address such as unix://${DEFAULT_SOCKET}.`);
  const tcp = parseHost(host, origin).kind === 'tcp';
  const tls = tcp ? tlsFromEnv(env) : undefined;
  return { host: normalize(host, origin, tls !== undefined), origin, tls };
}

function fromContext(name: string, env: NodeJS.ProcessEnv): EngineAddress {
  if (name.trim() === '') throw new UserError('--context is empty; give a context name from `docker context ls`.');
  if (name !== DEFAULT_CONTEXT) {
    const address = loadContext(name, env);
    return { ...address, host: normalize(address.host, address.origin, address.tls !== undefined) };
  }
  // The built-in context is "the current DOCKER_HOST based configuration".
  if (env.DOCKER_HOST) return fromHost(env.DOCKER_HOST, 'DOCKER_HOST', env);
  return { host: `unix://${DEFAULT_SOCKET}`, origin: `context "${DEFAULT_CONTEXT}"` };
}

/** One spelling per engine, so duplicates are found and reports agree: `tcp://h:2375`, not `h:2375`. */
function normalize(host: string, origin: string, tls: boolean): string {
  const parsed = parseHost(host, origin, tls);
  if (parsed.kind === 'unix') return `unix://${parsed.socketPath}`;
  const name = parsed.hostname.includes(':') ? `[${parsed.hostname}]` : parsed.hostname;
  if (parsed.kind === 'tcp') return `tcp://${name}:${parsed.port}`;
  return `ssh://${parsed.username ? `${parsed.username}@` : ''}${name}${parsed.port === 22 ? '' : `:${parsed.port}`}`;
}
