import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './containers.js';
import { openssl } from './pki.js';
import { writeFile } from 'node:fs/promises';

/**
 * A file's text copied out of a container with `docker cp -L` (follows links; needs no shell
 * in the container), or undefined when it does not exist. Independent of trustpatch's code.
 */
export async function copyOut(id: string, path: string): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-cp-'));
  try {
    const copied = await docker(['cp', '-L', `${id}:${path}`, join(dir, 'file')], { allowFailure: true });
    if (copied.code !== 0) return undefined;
    return await readFile(join(dir, 'file'), 'latin1');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** SHA-256 fingerprints (lowercase hex) of every certificate in a PEM bundle, computed by openssl. */
export async function bundleFingerprints(bundle: string): Promise<string[]> {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-fp-'));
  try {
    const fingerprints: string[] = [];
    for (const [index, block] of blocks.entries()) {
      const path = join(dir, `${index}.pem`);
      await writeFile(path, `${block}\n`);
      const out = await openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']);
      fingerprints.push(out.trim().split('=')[1]!.replace(/:/g, '').toLowerCase());
    }
    return fingerprints;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many times `fingerprint` occurs in a list. */
export function occurrences(list: readonly string[], fingerprint: string): number {
  return list.filter((item) => item === fingerprint).length;
}
