import { findProgram } from '../check/clients.js';
import type { ContainerClient } from '../docker/container-client.js';

/** Where application stores are found, and why a search found nothing it could trust. */
export interface FoundFiles {
  certifi: string[];
  java: string[];
  /** Set when the search could not run or was cut short. */
  problem: string | undefined;
}

const LIMIT = 200;

/**
 * One `find` over the container's filesystem for certifi's `cacert.pem` (site-packages,
 * virtualenvs, pip's vendored copy) and JDK `lib/security/cacerts` keystores. /proc, /sys and
 * /dev are skipped; links are listed, not followed (Debian links every JDK's cacerts to one file).
 */
export async function findStoreFiles(client: ContainerClient, id: string, timeoutMs = 30_000): Promise<FoundFiles> {
  const find = await findProgram(client, id, 'find');
  if (find === undefined) return { certifi: [], java: [], problem: 'no find in the container: application stores were not searched' };
  const argv = [find, '/', '(', '-path', '/proc', '-o', '-path', '/sys', '-o', '-path', '/dev', ')', '-prune', '-o', '-name', 'cacert.pem', '-path', '*certifi/cacert.pem', '-print', '-o', '-name', 'cacerts', '-path', '*/lib/security/cacerts', '-print'];
  const run = await client.exec(id, argv, { timeoutMs });
  // find exits 1 when some directory was unreadable; what it printed is still right.
  const paths = run.stdout.split('\n').filter((line) => line.startsWith('/')).slice(0, LIMIT);
  const problem = run.timedOut ? `searching for application stores took over ${timeoutMs / 1000}s: the list may be incomplete` : undefined;
  return { certifi: paths.filter((p) => p.endsWith('/cacert.pem')), java: paths.filter((p) => p.endsWith('/cacerts')), problem };
}
