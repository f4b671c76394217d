import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execIn } from './containers.js';
import { openssl } from './pki.js';
import { bundleFingerprints, occurrences } from './trust-checks.js';
import { dockerCp, fileBytes, snapshotStore, storeDifferences, type StoreSnapshot } from './trust-store.js';

/**
 * What the tests of the assembled RHEL-family and SUSE images read inside a container, each
 * through a channel independent of trustpatch's code: `docker cp`, `readlink`, openssl on the
 * host, and the container's own curl and Python.
 */

/** How often the CA (by SHA-256) is in the PEM bundle at `path` (links followed by the reader). */
export async function timesInBundle(id: string, path: string, fingerprint: string): Promise<number> {
  const real = (await execIn(id, ['readlink', '-e', path])).stdout.trim();
  assert.ok(real, `${path} exists`);
  const bytes = await fileBytes(id, real);
  assert.ok(bytes, `${path} (${real}) exists`);
  return occurrences(await bundleFingerprints(bytes.toString('latin1')), fingerprint);
}

/** The target of a symbolic link, or undefined when `path` is not a link. */
export async function linkTarget(id: string, path: string): Promise<string | undefined> {
  const read = await execIn(id, ['readlink', path]);
  return read.code === 0 ? read.stdout.trim() : undefined;
}

/** The OpenSSL subject hashes (current and old) by which a CApath directory finds the CA. */
export async function subjectHashes(certPath: string): Promise<string[]> {
  const hash = (await openssl(['x509', '-in', certPath, '-noout', '-subject_hash'])).trim();
  const old = (await openssl(['x509', '-in', certPath, '-noout', '-subject_hash_old'])).trim();
  return [hash, old];
}

/**
 * The SHA-256 of each trusted certificate in a Java KeyStore (JKS, as p11-kit's
 * `trust extract --format=java-cacerts` writes it): read by its published layout (magic
 * 0xFEEDFEED, version, count, then per entry a tag, alias, date and, for tag 2, the type and
 * the DER), so no JRE is needed. The SHA-256 of the DER is the certificate's fingerprint.
 */
export function jksFingerprints(store: Buffer): string[] {
  assert.equal(store.readUInt32BE(0), 0xfeedfeed, 'a JKS file');
  const count = store.readUInt32BE(8);
  const found: string[] = [];
  let at = 12;
  const utf = () => {
    const length = store.readUInt16BE(at);
    at += 2 + length;
  };
  for (let entry = 0; entry < count; entry++) {
    const tag = store.readUInt32BE(at);
    at += 4;
    assert.equal(tag, 2, 'p11-kit writes trusted-certificate entries only');
    utf(); // alias
    at += 8; // date
    utf(); // certificate type, X.509
    const length = store.readUInt32BE(at);
    at += 4;
    found.push(
      createHash('sha256')
        .update(store.subarray(at, at + length))
        .digest('hex'),
    );
    at += length;
  }
  return found;
}

/** How often the CA is in the Java store at `path`. */
export async function timesInJks(id: string, path: string, fingerprint: string): Promise<number> {
  const bytes = await fileBytes(id, path);
  assert.ok(bytes, `${path} exists`);
  return occurrences(jksFingerprints(bytes), fingerprint);
}

/** Whether `path` exists in the container (a link counts, even a dangling one). */
export async function exists(id: string, path: string): Promise<boolean> {
  return (await dockerCp(id, path)) !== undefined;
}

/**
 * Python's own verdict, with the default context reading only `cafile` or only `capath`:
 * exit 0 when the handshake verified. As the container's user unless told otherwise.
 */
export async function pythonVerifies(
  id: string,
  url: string,
  where: { cafile?: string; capath?: string },
  user?: string,
): Promise<{ code: number; stderr: string }> {
  const script = [
    'import sys, ssl, urllib.request',
    'ctx = ssl.create_default_context(cafile=sys.argv[2] or None, capath=sys.argv[3] or None)',
    'urllib.request.urlopen(sys.argv[1], timeout=10, context=ctx).close()',
  ].join('\n');
  const argv = ['python3', '-c', script, url, where.cafile ?? '', where.capath ?? ''];
  const run = user === undefined ? await execIn(id, argv) : await execIn(id, argv, user);
  return { code: run.code, stderr: run.stderr };
}

/** curl's exit code as the container's environment sets it up (CURL_CA_BUNDLE, ...). */
export async function curlExit(id: string, url: string, user = '0', extra: readonly string[] = []): Promise<number> {
  return (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', ...extra, url], user)).code;
}

/** curl to `localhost` (a name the test certificates hold) through ::1, the other loopback the servers listen on. */
export async function curlOverIpv6(id: string, port: number): Promise<number> {
  return curlExit(id, `https://localhost:${port}/`, '0', ['--connect-to', `localhost:${port}:[::1]:${port}`]);
}

/** The trust store under some directories, and the certificates of the Java store among them. */
export interface FamilySnapshot {
  entries: StoreSnapshot;
  java: string[];
}

export async function snapshotFamily(id: string, dirs: readonly string[], java: string): Promise<FamilySnapshot> {
  const bytes = await fileBytes(id, java);
  assert.ok(bytes, `${java} is there`);
  return { entries: await snapshotStore(id, dirs), java: jksFingerprints(bytes).sort() };
}

/**
 * The trust store as in `before`, entry by entry, except the Java store, which p11-kit rewrites
 * with the time of each extraction in it: that one must hold the same certificates as it did.
 */
export async function asBefore(
  id: string,
  before: FamilySnapshot,
  dirs: readonly string[],
  java: string,
  message: string,
): Promise<void> {
  assert.deepEqual(
    storeDifferences(before.entries, await snapshotStore(id, dirs)).filter((path) => path !== java),
    [],
    message,
  );
  assert.deepEqual(
    (await snapshotFamily(id, dirs, java)).java,
    before.java,
    `${java} holds the same certificates as before`,
  );
}

/** Puts a shell script in place of `program`, keeping the real one at `program.real` for it to call. */
export async function replaceProgram(id: string, program: string, script: string): Promise<void> {
  assert.equal((await execIn(id, ['mv', program, `${program}.real`])).code, 0);
  const written = await execIn(id, [
    'sh',
    '-c',
    'printf "%s" "$1" > "$2" && chmod 755 "$2"',
    'sh',
    `#!/bin/sh\n${script}\n`,
    program,
  ]);
  assert.equal(written.code, 0, written.stderr);
}
