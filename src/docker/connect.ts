import { Agent } from 'node:https';
import { inspect } from 'node:util';
import Dockerode from 'dockerode';
import { UserError } from '../errors.js';
import type { ContainerClient } from './container-client.js';
import { DockerodeClient } from './dockerode-client.js';
import { parseHost, type EngineAddress } from './engine-address.js';
import { resolveEngines, type EngineChoice } from './resolve-engines.js';
import { sshAgent } from './ssh.js';

/**
 * Clients for every engine a run names (see resolveEngines: --host, --context, DOCKER_HOST,
 * the current Docker context). Nothing is contacted yet: `ping()` each before use.
 */
export function connectEngines(choice: EngineChoice = {}): ContainerClient[] {
  const env = choice.env ?? process.env;
  return resolveEngines({ ...choice, env }).map((address) => connect(address, env));
}

/** The one engine of a command that works on a single engine; several are a user error. */
export function connectOne(choice: EngineChoice, command: string): ContainerClient {
  const clients = connectEngines(choice);
  if (clients.length !== 1)
    throw new UserError(
      `${command} works on one engine, and ${clients.length} were given (${clients.map((c) => c.endpoint).join(', ')}); give one --host or --context.`,
    );
  return clients[0]!;
}

/** A client for one engine address. */
export function connect(address: EngineAddress, env: NodeJS.ProcessEnv = process.env): ContainerClient {
  return new DockerodeClient(
    withoutDockerEnv(() => new Dockerode(dockerodeOptions(address, env))),
    address.host,
  );
}

/** The options docker-modem needs to reach `address`, TLS and ssh included. */
export function dockerodeOptions(address: EngineAddress, env: NodeJS.ProcessEnv): Dockerode.DockerOptions {
  const parsed = parseHost(address.host, address.origin, address.tls !== undefined);
  if (parsed.kind === 'unix') return { socketPath: parsed.socketPath };
  if (parsed.kind === 'ssh') {
    return {
      protocol: 'http',
      host: parsed.hostname,
      port: parsed.port,
      agent: briefInInspect(sshAgent(parsed, env)),
    } as Dockerode.DockerOptions;
  }
  const tls = address.tls;
  if (tls === undefined) return { protocol: 'http', host: parsed.hostname, port: parsed.port };
  // An agent carries the TLS settings: docker-modem has no switch for skipping verification,
  // and it passes `agent` through to https.request. The engine's name is checked as usual.
  const agent = new Agent({
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: tls.verify,
    keepAlive: false,
  });
  return {
    protocol: 'https',
    host: parsed.hostname,
    port: parsed.port,
    agent: briefInInspect(agent),
  } as Dockerode.DockerOptions;
}

/**
 * docker-modem formats each request's options with `util.inspect(options, { showHidden: true,
 * depth: null })` for its debug output before every request, whether that output is on or not
 * (apocas/docker-modem lib/modem.js, buildRequest: `debug('Sending: %s', util.inspect(…))`).
 * An agent in those options is walked whole each time: its pooled keep-alive sockets with their
 * parsers and buffers, and for ssh:// the master and its child processes. Measured on the ssh
 * agent: 8 parallel inspects x 20 took 10.4 s, nearly all of it CPU in trustpatch's own process;
 * with the agent shown as one word, 0.3 s. The agent answers `util.inspect` with its class name.
 */
function briefInInspect<T extends object>(agent: T): T {
  Object.defineProperty(agent, inspect.custom, { value: () => `[${agent.constructor.name}]` });
  return agent;
}

/**
 * docker-modem merges DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from process.env into
 * every client it makes (and reads the certificate files then). The address was already
 * resolved from those, so they are hidden while the client is built: otherwise an explicit
 * `--host unix://…` would be overridden by a tcp:// DOCKER_HOST.
 */
function withoutDockerEnv<T>(build: () => T): T {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return build();
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}
