import { findProgram, findTlsClients, type TlsClient } from '../check/clients.js';
import type { ContainerClient } from '../docker/container-client.js';
import { pathExists } from '../docker/files.js';
import type { Family, Installer } from './family.js';

/** What is really in the container, found by absolute path through the archive API. */
export interface Tools {
  /** The family's update command whose program exists, or undefined. */
  update: readonly string[] | undefined;
  /** The family's installer whose package manager exists, or undefined. */
  installer: Installer | undefined;
  /** For rollback: the archive API can write files but not delete them. */
  rm: string | undefined;
  clients: TlsClient[];
}

/** The first alternative whose program (argv[0]) exists. */
export async function firstPresent<T>(
  client: ContainerClient,
  id: string,
  items: readonly T[],
  program: (item: T) => string,
): Promise<T | undefined> {
  for (const item of items) {
    if (await pathExists(client, id, program(item))) return item;
  }
  return undefined;
}

export async function probeUpdate(
  client: ContainerClient,
  id: string,
  family: Family,
): Promise<readonly string[] | undefined> {
  return firstPresent(client, id, family.updateCommands, (argv) => argv[0]!);
}

/**
 * The programs the patch may use. The package manager is looked for only when the update
 * command is missing, and only the preferred TLS client (the check finds the others if needed).
 */
export async function probeTools(
  client: ContainerClient,
  id: string,
  family: Family,
  options: { installAlways?: boolean; tlsClients?: boolean } = {},
): Promise<Tools> {
  const [update, rm, clients] = await Promise.all([
    probeUpdate(client, id, family),
    findProgram(client, id, 'rm'),
    options.tlsClients === false ? Promise.resolve([]) : findTlsClients(client, id, { first: true }),
  ]);
  const installer =
    update === undefined || options.installAlways
      ? await firstPresent(client, id, family.installers, (i) => i.manager)
      : undefined;
  return { update, installer, rm, clients };
}
