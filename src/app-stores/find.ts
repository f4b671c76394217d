import { posix } from 'node:path';
import { findProgram, PROGRAM_DIRS } from '../check/clients.js';
import type { ContainerClient } from '../docker/container-client.js';
import { pathExists } from '../docker/files.js';

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
  if (find === undefined)
    return { certifi: [], java: [], problem: 'no find in the container: application stores were not searched' };
  const argv = [
    find,
    '/',
    '(',
    '-path',
    '/proc',
    '-o',
    '-path',
    '/sys',
    '-o',
    '-path',
    '/dev',
    ')',
    '-prune',
    '-o',
    '-name',
    'cacert.pem',
    '-path',
    '*certifi/cacert.pem',
    '-print',
    '-o',
    '-name',
    'cacerts',
    '-path',
    '*/lib/security/cacerts',
    '-print',
  ];
  const run = await client.exec(id, argv, { timeoutMs });
  // find exits 1 when some directory was unreadable; what it printed is still right.
  const paths = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('/'))
    .slice(0, LIMIT);
  const problem = run.timedOut
    ? `searching for application stores took over ${timeoutMs / 1000}s: the list may be incomplete`
    : undefined;
  return {
    certifi: paths.filter((p) => p.endsWith('/cacert.pem')),
    java: paths.filter((p) => p.endsWith('/cacerts')),
    problem,
  };
}

/** The programs that read application stores: certifi is Python's, cacerts keystores Java's. */
export const STORE_RUNTIMES = ['python3', 'python', 'java'];

/**
 * Where a runtime that reads an application store is: the first of STORE_RUNTIMES found (a stat
 * each, no content) on the container's PATH, in the usual program directories or in
 * $JAVA_HOME/bin; undefined when there is none. Lets `add` skip the `find /` over the whole
 * filesystem in the many containers without Python or Java.
 */
export async function findStoreRuntime(
  client: ContainerClient,
  id: string,
  env: readonly string[],
): Promise<string | undefined> {
  const value = (name: string) => env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const path = (value('PATH') ?? '').split(':').filter((dir) => posix.isAbsolute(dir));
  const javaHome = value('JAVA_HOME');
  const dirs = [
    ...new Set([
      ...path,
      ...PROGRAM_DIRS,
      ...(javaHome && posix.isAbsolute(javaHome) ? [posix.join(javaHome, 'bin')] : []),
    ]),
  ];
  for (const name of STORE_RUNTIMES) {
    for (const dir of dirs) if (await pathExists(client, id, posix.join(dir, name))) return posix.join(dir, name);
  }
  return undefined;
}
