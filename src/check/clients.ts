import type { ContainerClient } from '../docker/container-client.js';
import { pathExists } from '../docker/files.js';

/** A TLS client that can check a URL, in the order they are preferred. */
export type TlsTool = 'curl' | 'wget' | 'openssl' | 'python3';
export const TLS_TOOLS: readonly TlsTool[] = ['curl', 'wget', 'openssl', 'python3'];

export interface TlsClient {
  tool: TlsTool;
  /** Absolute path: exec does not search PATH reliably, and probing needs no shell. */
  path: string;
}

/** Where programs live; probed through the archive API, not by running them. */
export const PROGRAM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * The first existing path of a program in PROGRAM_DIRS, or undefined. One stat at a time,
 * stopping at the first hit: a fleet's probes would otherwise flood the engine with requests.
 */
export async function findProgram(client: ContainerClient, id: string, name: string): Promise<string | undefined> {
  for (const dir of PROGRAM_DIRS) {
    if (await pathExists(client, id, `${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * The TLS clients present in the container, in order of preference; with `first`, only the
 * most preferred one (the check probes the others only if that one proves nothing).
 */
export async function findTlsClients(
  client: ContainerClient,
  id: string,
  options: { first?: boolean; skip?: readonly TlsTool[] } = {},
): Promise<TlsClient[]> {
  const found: TlsClient[] = [];
  for (const tool of TLS_TOOLS) {
    if (options.skip?.includes(tool)) continue;
    const path = await findProgram(client, id, tool);
    if (path === undefined) continue;
    found.push({ tool, path });
    if (options.first) break;
  }
  return found;
}
