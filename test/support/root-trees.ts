import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docker, SESSION_ID, SESSION_LABEL, testImage } from './containers.js';
import { engineEnv } from './engine.js';

const run = promisify(execFile);

/** The repository root, from dist/test/support/. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Real upstream root filesystems (Alpine minirootfs, BusyBox), kept outside the repository in
 * the shared folder beside the clone, as scripts/build-images.sh finds it (TRUSTPATCH_SHARED);
 * TRUSTPATCH_ROOTFS_DIR names the rootfs folder itself.
 */
export const ROOTFS_DIR =
  process.env.TRUSTPATCH_ROOTFS_DIR ?? join(process.env.TRUSTPATCH_SHARED ?? join(REPO_ROOT, '..', 'shared'), 'rootfs');

/**
 * A test image's filesystem, unpacked into a new temporary directory through `docker export`
 * of a container that is created (never started) and removed at once. The Debian test images
 * are themselves debootstrapped (scripts/build-images.sh), so this is a debootstrapped tree
 * without the minutes a debootstrap takes.
 */
export async function exportedTree(image: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `trustpatch-root-${image}-`));
  const id = (
    await docker(['create', '--pull', 'never', '--label', `${SESSION_LABEL}=${SESSION_ID}`, testImage(image), 'true'])
  ).stdout.trim();
  try {
    await run('bash', ['-o', 'pipefail', '-c', 'docker export "$1" | tar -x -C "$2"', 'bash', id, dir], {
      maxBuffer: 1024 * 1024,
      env: { ...process.env, ...engineEnv() },
    });
  } finally {
    await docker(['rm', '-f', '-v', id], { allowFailure: true });
  }
  return dir;
}

/** An upstream rootfs tarball from ROOTFS_DIR, unpacked into a new temporary directory. */
export async function unpackedTree(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-root-'));
  await run('tar', ['-xzf', join(ROOTFS_DIR, file), '-C', dir]);
  return dir;
}

/**
 * Every entry of a tree by path: type, mode and content hash (files), target (links). Times
 * are left out: a removal rewrites a bundle with its old bytes, which is "as before".
 */
export async function treeSnapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  async function walk(dir: string, rel: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const key = `${rel}/${name}`;
      const stat = await lstat(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) entries.set(key, `link ${await readlink(path)}`);
      else if (stat.isDirectory()) {
        entries.set(key, `dir ${mode} ${stat.uid}:${stat.gid}`);
        await walk(path, key);
      } else if (stat.isFile())
        entries.set(
          key,
          `file ${mode} ${stat.uid}:${stat.gid} ${createHash('sha256')
            .update(await readFile(path))
            .digest('hex')}`,
        );
      else entries.set(key, `other ${mode} ${stat.rdev}`);
    }
  }
  await walk(root, '');
  return entries;
}

/** The paths whose entries differ between two snapshots, with both sides, for a readable failure. */
export function snapshotDifferences(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((p) => before.get(p) !== after.get(p))
    .sort()
    .map((p) => `${p}: ${before.get(p) ?? '(none)'} -> ${after.get(p) ?? '(none)'}`);
}

/**
 * What this machine's own trust store looks like: the bundle's hash and the local anchors.
 * Taken before and after the host tests, which must never change it.
 */
export async function machineTrustStore(): Promise<string> {
  const bundle = await readFile('/etc/ssl/certs/ca-certificates.crt').then(
    (b) => createHash('sha256').update(b).digest('hex'),
    () => 'no bundle',
  );
  const anchors = await treeSnapshot('/usr/local/share/ca-certificates').catch(() => new Map<string, string>());
  const links = (await readdir('/etc/ssl/certs').catch(() => [])).sort();
  return JSON.stringify({ bundle, anchors: [...anchors], links });
}
