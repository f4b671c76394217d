import type { ContainerClient } from '../docker/container-client.js';
import { connectEngines } from '../docker/connect.js';
import type { EngineOptions } from '../types.js';

export type { EngineOptions } from '../types.js';

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
