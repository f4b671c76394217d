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

/** The first existing path of a program in PROGRAM_DIRS, or undefined. */
export async function findProgram(client: ContainerClient, id: string, name: string): Promise<string | undefined> {
  const found = await Promise.all(PROGRAM_DIRS.map((dir) => pathExists(client, id, `${dir}/${name}`)));
  const index = found.indexOf(true);
  return index === -1 ? undefined : `${PROGRAM_DIRS[index]}/${name}`;
}

/** The TLS clients present in the container, in order of preference. */
export async function findTlsClients(client: ContainerClient, id: string): Promise<TlsClient[]> {
  const paths = await Promise.all(TLS_TOOLS.map((tool) => findProgram(client, id, tool)));
  return TLS_TOOLS.flatMap((tool, index) => (paths[index] === undefined ? [] : [{ tool, path: paths[index]! }]));
}
