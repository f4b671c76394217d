import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { finding, type Finding } from './findings.js';
import { lintDirName, lintRegistryFiles, type DirFile } from './lint-registry-dir.js';

export interface LintOptions {
  /** The clock expiry is judged against; injected by tests. */
  now?: Date;
}

export interface LintReport {
  dir: string;
  /** The registry directories checked, by name. */
  registries: string[];
  findings: Finding[];
}

/** Larger files are no certificate or key; lint reports them unread. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Checks a certs.d tree the way the engine will read it, without changing anything. */
export async function lintCertsDir(dir: string, options: LintOptions = {}): Promise<LintReport> {
  const now = options.now ?? new Date();
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      `${dir}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}; give the certs.d directory (default /etc/docker/certs.d).`,
    );
  });
  if (!info.isDirectory())
    throw new UserError(`${dir}: not a directory; give the certs.d directory (default /etc/docker/certs.d).`);
  const findings: Finding[] = [];
  const registries: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const path = join(dir, entry);
    const entryInfo = await stat(path).catch(() => undefined);
    if (entryInfo?.isDirectory()) {
      registries.push(entry);
      findings.push(...lintDirName(path, entry));
      findings.push(...lintRegistryFiles(await readRegistryDir(path), now));
    } else if (entryInfo?.isFile()) {
      findings.push(
        finding.ignoredFile(
          path,
          'files directly in certs.d are not read: each registry needs its own directory certs.d/<host[:port]>/.',
        ),
      );
    }
  }
  return { dir, registries, findings };
}

async function readRegistryDir(path: string): Promise<DirFile[]> {
  const files: DirFile[] = [];
  for (const name of (await readdir(path)).sort()) {
    const filePath = join(path, name);
    // stat, not lstat: the engine follows links (os.ReadFile).
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile()) continue;
    const bytes = info.size > MAX_FILE_BYTES ? Buffer.alloc(0) : await readFile(filePath);
    files.push({ name, path: filePath, mode: info.mode, bytes });
  }
  return files;
}
