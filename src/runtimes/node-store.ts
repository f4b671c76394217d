import type { ContainerClient } from '../docker/container-client.js';
import type { ScannedProcess } from './scan.js';

/**
 * Whether a Node.js process takes its CAs from OpenSSL's default store (the system's) instead
 * of the copy bundled into Node.js. Official builds bundle theirs (`--use-bundled-ca
 * (default)`); Debian's nodejs is built with `--openssl-use-def-ca-store`, and says so in its
 * --help (`--use-openssl-ca ... (default)`). Flags on the command line or in NODE_OPTIONS win.
 */
export async function usesOpenSslStore(
  client: ContainerClient,
  id: string,
  process: ScannedProcess,
  cache: Map<string, Promise<boolean | undefined>>,
): Promise<boolean | undefined> {
  const flags = `${process.command} ${process.env?.NODE_OPTIONS ?? ''}`;
  if (/--use-bundled-ca\b/.test(flags)) return false;
  if (/--use-openssl-ca\b/.test(flags)) return true;
  const exe = process.exe;
  if (exe === undefined || exe.endsWith(' (deleted)')) return undefined;
  if (!cache.has(exe)) cache.set(exe, helpDefault(client, id, exe));
  return cache.get(exe);
}

async function helpDefault(client: ContainerClient, id: string, exe: string): Promise<boolean | undefined> {
  const run = await client.exec(id, [exe, '--help'], { timeoutMs: 15_000 }).catch(() => undefined);
  if (run === undefined || run.exitCode !== 0) return undefined;
  const option = (name: string) => new RegExp(`--${name}\\s[^-]*\\(default\\)`).test(run.stdout);
  if (option('use-openssl-ca')) return true;
  if (option('use-bundled-ca')) return false;
  return undefined;
}
