import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerCert } from './pki.js';
import { reachableFromEngine } from './engine-netns.js';

const run = promisify(execFile);

/** A flat apt repository served over HTTPS on 127.0.0.1, recording who asked for what. */
export interface LocalAptRepo {
  url: string;
  port: number;
  /** Every request: its path and its Via header (set by a proxy that forwarded it). */
  requests: { path: string; via: string | undefined }[];
  close(): Promise<void>;
}

const CACHE = process.env.TRUSTPATCH_TEST_REPO_CACHE ?? '/var/cache/trustpatch-test-repo';

/**
 * Downloads `packages` from Debian's archive with the host's `apt-get download` (cached between
 * runs) and lays them out as a flat repository: the .debs, a Packages index from their control
 * fields and a Release file. It is not signed: clients must use `[trusted=yes]`, acceptable for
 * a throwaway test repository on loopback and nothing else.
 */
export async function buildAptRepo(packages: readonly string[]): Promise<string> {
  await mkdir(CACHE, { recursive: true });
  // apt drops privileges to _apt for downloads; let it write here.
  if (process.getuid?.() === 0) await run('chown', ['_apt', CACHE]).catch(() => undefined);
  const missing = [];
  for (const name of packages) if (!(await debFor(name))) missing.push(name);
  if (missing.length > 0) {
    try {
      await run('apt-get', ['download', '-q', ...missing], { cwd: CACHE });
    } catch {
      await run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      await run('apt-get', ['download', '-q', ...missing], { cwd: CACHE });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-apt-repo-'));
  const stanzas: string[] = [];
  for (const name of packages) {
    const deb = (await debFor(name))!;
    await copyFile(join(CACHE, deb), join(dir, deb));
    const bytes = await readFile(join(dir, deb));
    const control = (await run('dpkg-deb', ['-f', join(dir, deb)])).stdout.trimEnd();
    stanzas.push(`${control}\nFilename: ./${deb}\nSize: ${bytes.length}\nSHA256: ${sha256(bytes)}\n`);
  }
  const index = Buffer.from(stanzas.join('\n'));
  await writeFile(join(dir, 'Packages'), index);
  await writeFile(
    join(dir, 'Release'),
    `Date: ${new Date().toUTCString()}\nSHA256:\n ${sha256(index)} ${index.length} Packages\n`,
  );
  await chown(dir, 0, 0).catch(() => undefined);
  return dir;
}

/** Serves a repository directory over HTTPS on 127.0.0.1 only (and where the engine's containers reach it: engine-netns.ts). */
export async function serveAptRepo(dir: string, cert: ServerCert): Promise<LocalAptRepo> {
  const requests: LocalAptRepo['requests'] = [];
  const server = createServer({ cert: cert.cert, key: cert.key }, (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'https://127.0.0.1').pathname);
    requests.push({ path, via: request.headers.via });
    const name = path.replace(/^\/+/, '');
    if (name === '' || name.includes('/') || name.startsWith('.')) return void response.writeHead(404).end();
    readFile(join(dir, name)).then(
      (content) => response.writeHead(200, { 'content-length': content.length }).end(content),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const unreach = await reachableFromEngine(port);
  return {
    url: `https://127.0.0.1:${port}/`,
    port,
    requests,
    close: async () => {
      await unreach();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function debFor(name: string): Promise<string | undefined> {
  const debs = (await readdir(CACHE)).filter((file) => file.startsWith(`${name}_`) && file.endsWith('.deb'));
  if (debs.length === 0) return undefined;
  const times = await Promise.all(debs.map(async (file) => (await stat(join(CACHE, file))).mtimeMs));
  return debs[times.indexOf(Math.max(...times))];
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
