import type { ContainerClient } from '../docker/container-client.js';
import { connectEngines } from '../docker/connect.js';

/** How a command is told which engines to use; the first of these that is set wins. */
export interface EngineOptions {
  /** Injected for tests and library callers: used as they are. */
  clients?: readonly ContainerClient[];
  client?: ContainerClient;
  /** `--host` values; with `contexts`, one engine each (see resolveEngines). */
  hosts?: readonly string[];
  contexts?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** A per-container result and the engine (its address) the container runs on. */
export type OnEngine<R> = R & { engine: string };

/**
 * The engines of a run, each pinged (and its API version agreed) before any container is
 * selected: one engine that cannot be reached stops the run before anything changes.
 */
export async function openEngines(options: EngineOptions): Promise<ContainerClient[]> {
  const clients = options.clients
    ? [...options.clients]
    : options.client
      ? [options.client]
      : connectEngines({ hosts: options.hosts, contexts: options.contexts, env: options.env });
  await Promise.all(clients.map((client) => client.ping()));
  return clients;
}
