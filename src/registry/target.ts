import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContainerClient, ContainerInfo, FileToWrite } from '../docker/container-client.js';
import { CERTS_D } from './certs-d.js';

/** Where a certs.d tree lives: this machine's filesystem, or a container's (a Docker-in-Docker engine). */
export interface CertsDirTarget {
  readonly description: string;
  /** The regular files of `dir` by name, or undefined when `dir` does not exist. */
  readFiles(dir: string): Promise<Map<string, Buffer> | undefined>;
  /** Writes each file with its mode, creating missing directories 0755. */
  write(files: readonly FileToWrite[]): Promise<void>;
}

export function localTarget(): CertsDirTarget {
  return {
    description: 'this machine',
    async readFiles(dir) {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        // Nothing readable there; the write will then report why it cannot go there either.
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
        throw error;
      });
      if (names === undefined) return undefined;
      const files = new Map<string, Buffer>();
      for (const name of names) {
        const info = await stat(join(dir, name)).catch(() => undefined);
        if (info?.isFile()) files.set(name, await readFile(join(dir, name)));
      }
      return files;
    },
    async write(files) {
      for (const file of files) {
        await ensureDir(dirname(file.path));
        // A temporary name the engine ignores, then a rename: it never reads a half-written file.
        const temporary = join(dirname(file.path), `.trustpatch-${randomBytes(4).toString('hex')}.tmp`);
        try {
          await writeFile(temporary, file.content, { mode: file.mode ?? CERTS_D.fileMode });
          await chmod(temporary, file.mode ?? CERTS_D.fileMode); // the umask may have narrowed it
          await rename(temporary, file.path);
        } finally {
          await rm(temporary, { force: true });
        }
      }
    },
  };
}

/** Creates the missing directories of `path`, each 0755 whatever the umask. */
async function ensureDir(path: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const exists = await stat(current).then(
      () => true,
      () => false,
    );
    if (exists || dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const dir of missing) {
    await mkdir(dir, { mode: CERTS_D.dirMode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await chmod(dir, CERTS_D.dirMode);
  }
}

/** A container's filesystem through the archive API (ContainerClient), as `add` writes it. */
export function containerTarget(client: ContainerClient, info: ContainerInfo): CertsDirTarget {
  return {
    description: `container ${info.name} (${info.id.slice(0, 12)})`,
    async readFiles(dir) {
      const entries = await client.getArchive(info.id, dir);
      if (entries === undefined) return undefined;
      const files = new Map<string, Buffer>();
      // The archive of a directory names its entries `<basename>/<file>`; deeper ones are not the engine's.
      for (const entry of entries) {
        const parts = entry.name.replace(/\/$/, '').split('/');
        if (entry.type === 'file' && parts.length === 2) files.set(parts[1]!, entry.content);
      }
      return files;
    },
    async write(files) {
      await client.putFiles(info.id, files);
    },
  };
}
