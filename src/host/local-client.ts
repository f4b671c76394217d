import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  access,
  chown,
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type {
  ArchiveEntry,
  ContainerClient,
  ContainerInfo,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  FileToWrite,
  PathStat,
  ProcessRow,
} from '../docker/container-client.js';
import { entryName } from '../docker/tar.js';
import { inRoot } from './root-path.js';

/** The id the local client answers to: there is one "container", the tree at its root. */
export const HOST_ID = 'host';

// The update tools live in sbin, which a user's PATH (or none at all, under chroot) may lack (mkcert#188).
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The container-client interface over this machine's own filesystem, so that `host` runs the
 * same patch and undo pipeline as containers do. With a root other than `/` (an unpacked image,
 * a chroot, a mounted disk), files are read and written under it and commands run inside it
 * through `chroot ROOT`, which needs the tree's own shell and libraries.
 */
export class LocalClient implements ContainerClient {
  readonly endpoint: string;

  constructor(readonly root = '/') {
    this.endpoint = root === '/' ? 'local:///' : `local://${root}`;
  }

  async ping(): Promise<void> {
    const stat = await lstat(this.root);
    if (!stat.isDirectory()) throw new Error(`${this.root} is not a directory`);
  }

  async list(): Promise<ContainerSummary[]> {
    return [await this.inspect(HOST_ID)];
  }

  async inspect(_nameOrId?: string): Promise<ContainerInfo> {
    // EROFS: a read-only mount, said before anything is tried, as for a read-only container.
    const readOnly = await access(posix.join(this.root, 'etc'), constants.W_OK).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'EROFS',
    );
    const name = this.root === '/' ? 'host' : this.root;
    return {
      id: HOST_ID,
      name,
      image: name,
      state: 'running',
      labels: {},
      running: true,
      paused: false,
      restarting: false,
      user: '',
      readOnlyRootfs: readOnly,
      env: [],
      platform: 'linux',
      imageId: '',
    };
  }

  exec(_id: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if ((options.user ?? '0') !== '0')
      return Promise.resolve({
        argv,
        exitCode: 126,
        stdout: '',
        stderr: `trustpatch runs host commands as root only, not as user ${options.user}`,
        timedOut: false,
      });
    const [program, ...args] = this.root === '/' ? argv : ['chroot', this.root, ...argv];
    const base = this.root === '/' ? { ...process.env } : { HOME: '/root', LANG: 'C' };
    const env = {
      ...base,
      PATH: this.root === '/' ? `${process.env.PATH ?? ''}:${SYSTEM_PATH}` : SYSTEM_PATH,
      ...parseEnv(options.env),
    };
    return run(argv, program!, args, env, options);
  }

  async stat(_id: string, path: string): Promise<PathStat | undefined> {
    const host = await inRoot(this.root, path);
    const stat = await lstatOrUndefined(host);
    if (stat === undefined) return undefined;
    return {
      name: posix.basename(host),
      size: stat.size,
      type: typeOf(stat),
      linkTarget: stat.isSymbolicLink() ? await readlink(host) : undefined,
    };
  }

  /** Like the engine's archive: a directory comes whole, its entries named `<basename>/<relative path>`. */
  async getArchive(_id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    const host = await inRoot(this.root, path);
    const stat = await lstatOrUndefined(host);
    if (stat === undefined) return undefined;
    const base = posix.basename(host);
    if (!stat.isDirectory()) return [await entryOf(host, base, stat)];
    const entries: ArchiveEntry[] = [];
    await walk(host, `${base}/`, stat, entries);
    return entries;
  }

  /** Writes each file whole (a new file renamed into place), as root:root, creating missing parents (0755). */
  async putFiles(_id: string, files: readonly FileToWrite[]): Promise<void> {
    for (const file of files) {
      entryName(file.path);
      // Links are written only by replication, which is for containers (src/update/replication.ts).
      if (file.linkTarget !== undefined) throw new Error(`refusing to write ${file.path} as a link on the host`);
      const host = await inRoot(this.root, file.path);
      await mkdir(posix.dirname(host), { recursive: true, mode: 0o755 });
      const temporary = posix.join(posix.dirname(host), `.trustpatch-${randomBytes(6).toString('hex')}`);
      try {
        await writeFile(temporary, file.content, { mode: file.mode ?? 0o644, flag: 'wx' });
        await chmod(temporary, file.mode ?? 0o644);
        if (process.getuid?.() === 0) await chown(temporary, 0, 0);
        // rename replaces a link at the path itself, as the engine's archive extraction does.
        await rename(temporary, host);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
    }
  }

  /** Nothing to list through an engine: the /proc scan (through a shell) sees the host's processes. */
  async top(): Promise<ProcessRow[]> {
    return [];
  }

  async restart(): Promise<void> {
    throw new Error('trustpatch does not restart the host: restart the programs that need the new trust yourself');
  }
}

function run(
  argv: readonly string[],
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: ExecOptions,
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A missing program is 127, as a shell (and the engine's exec) reports it.
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ENOENT' ? 127 : 126, `${program}: ${error.message}`),
    );
    child.on('close', (code) => finish(timedOut ? -1 : (code ?? -1), ''));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    let done = false;
    function finish(exitCode: number, extra: string) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        argv,
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
        timedOut,
      });
    }
  });
}

async function walk(dir: string, name: string, stat: Stats, entries: ArchiveEntry[]): Promise<void> {
  entries.push({ name, type: 'directory', content: Buffer.alloc(0), mode: stat.mode & 0o7777 });
  for (const child of (await readdir(dir)).sort()) {
    const path = posix.join(dir, child);
    const childStat = await lstatOrUndefined(path);
    if (childStat === undefined) continue;
    if (childStat.isDirectory()) await walk(path, `${name}${child}/`, childStat, entries);
    else entries.push(await entryOf(path, `${name}${child}`, childStat));
  }
}

async function entryOf(path: string, name: string, stat: Stats): Promise<ArchiveEntry> {
  const type = typeOf(stat);
  const content = type === 'file' ? await readFile(path) : Buffer.alloc(0);
  return {
    name,
    type,
    content,
    linkTarget: type === 'symlink' ? await readlink(path) : undefined,
    mode: stat.mode & 0o7777,
  };
}

function typeOf(stat: Stats): PathStat['type'] {
  return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : stat.isSymbolicLink() ? 'symlink' : 'other';
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw error;
  }
}

function parseEnv(env: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}
