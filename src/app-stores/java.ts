import { posix } from 'node:path';
import type { ContainerClient } from '../docker/container-client.js';
import { pathExists, readContainerFile } from '../docker/files.js';
import { commandFailure } from '../errors.js';
import type { JavaStore } from './types.js';

/** The JDK's default cacerts password (keytool(1)); stores with another one are reported, not changed. */
export const STOREPASS = 'changeit';

/**
 * Keystores the system's update command regenerates from the system anchors: Debian's and
 * Alpine's ca-certificates-java / java-cacerts hooks, RHEL's update-ca-trust, SUSE's p11-kit,
 * Arch's trust extract. A JDK cacerts linked to one of these follows the system store.
 */
export const SYSTEM_KEYSTORES = [
  '/etc/ssl/certs/java/cacerts',
  '/etc/pki/ca-trust/extracted/java/cacerts',
  '/var/lib/ca-certificates/java-cacerts',
  '/etc/ca-certificates/extracted/java-cacerts',
];

/** `trustpatch-<first 16 hex of the fingerprint>`: the alias of a CA trustpatch imported. */
export function javaAlias(fingerprint: string): string {
  return `trustpatch-${fingerprint.slice(0, 16)}`;
}

/** keytool next to a `.../lib/security/cacerts` (a JDK's bin/, or a JDK 8 jre/'s parent's bin/). */
function keytoolCandidates(path: string): string[] {
  const home = path.replace(/\/lib\/security\/cacerts$/, '');
  return [`${home}/bin/keytool`, ...(home.endsWith('/jre') ? [`${posix.dirname(home)}/bin/keytool`] : [])];
}

export async function inspectJava(client: ContainerClient, id: string, path: string): Promise<JavaStore | undefined> {
  const file = await readContainerFile(client, id, path);
  if (file === undefined) return undefined;
  let keytool: string | undefined;
  for (const candidate of [...keytoolCandidates(path), ...keytoolCandidates(file.realPath)]) {
    if (await pathExists(client, id, candidate)) {
      keytool = candidate;
      break;
    }
  }
  const linkedToSystem = file.realPath !== path && SYSTEM_KEYSTORES.includes(file.realPath);
  const store: JavaStore = {
    kind: 'java',
    path,
    realPath: file.realPath,
    keytool,
    linkedToSystem,
    fingerprints: undefined,
    problem: undefined,
  };
  return listJava(client, id, store);
}

/** Lists a keystore's entries with its keytool (`keytool -list` prints each SHA-256 fingerprint). */
export async function listJava(client: ContainerClient, id: string, store: JavaStore): Promise<JavaStore> {
  if (store.keytool === undefined) return { ...store, fingerprints: undefined, problem: 'no keytool next to it' };
  const argv = [store.keytool, '-list', '-keystore', store.realPath, '-storepass', STOREPASS];
  const run = await client.exec(id, argv, { timeoutMs: 60_000 });
  if (run.exitCode !== 0)
    return {
      ...store,
      fingerprints: undefined,
      problem: commandFailure(argv, run.exitCode, run.stdout + run.stderr, { shown: 'keytool -list', lines: 1 }),
    };
  return { ...store, fingerprints: parseKeytoolList(run.stdout), problem: undefined };
}

/** SHA-256 fingerprints (lowercase hex) of the entries `keytool -list` printed, in order. */
export function parseKeytoolList(output: string): string[] {
  return [...output.matchAll(/\(SHA-256\):\s*([0-9A-Fa-f:]+)/g)].map((m) => m[1]!.replace(/:/g, '').toLowerCase());
}

/** Imports a CA under its trustpatch alias; the PEM goes on standard input (no file is left behind). */
export function importArgv(store: JavaStore, fingerprint: string): string[] {
  return [
    store.keytool!,
    '-importcert',
    '-noprompt',
    '-keystore',
    store.realPath,
    '-storepass',
    STOREPASS,
    '-alias',
    javaAlias(fingerprint),
  ];
}

export function deleteArgv(keytool: string, keystore: string, alias: string): string[] {
  return [keytool, '-delete', '-alias', alias, '-keystore', keystore, '-storepass', STOREPASS];
}
