import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { extract } from 'tar-stream';
import { engineEnv } from './engine.js';

/**
 * The trust store of a container as the docker CLI sees it (`docker cp`, which works on
 * running, paused and stopped containers alike): an independent channel from trustpatch's own
 * archive code. Each entry maps a path to `file <sha256>`, `link <target>` or `directory`.
 */
export type StoreSnapshot = Map<string, string>;

export const DEBIAN_STORE = ['/etc/ssl', '/usr/local/share/ca-certificates'];
export const DEBIAN_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** `docker cp ID:PATH -` as a tar buffer (`follow`: `-L`, a link at PATH is followed); undefined when the path does not exist. */
export function dockerCp(id: string, path: string, host?: string, follow = false): Promise<Buffer | undefined> {
  const args = [...(host ? ['-H', host] : []), 'cp', ...(follow ? ['-L'] : []), `${id}:${path}`, '-'];
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...engineEnv() } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // Docker: "Could not find the file …", "No such container:path"; Podman 4.3 and 5: "no such file or directory".
        if (/Could not find the file|No such container:path|no such file or directory/i.test(stderr.toString()))
          return resolve(undefined);
        reject(new Error(`docker ${args.join(' ')}: ${stderr.toString().trim()}`));
      },
    );
  });
}

async function entries(tar: Buffer, under: string): Promise<[string, string, Buffer][]> {
  const found: [string, string, Buffer][] = [];
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const content = Buffer.concat(chunks);
      const { name, type, linkname } = entry.header;
      const path = `${under}/${name}`.replace(/\/+$/, '');
      const kind =
        type === 'file'
          ? `file ${createHash('sha256').update(content).digest('hex')}`
          : type === 'symlink'
            ? `link ${linkname}`
            : (type ?? 'other');
      found.push([path, kind, content]);
    }
  })();
  reader.end(tar);
  await done;
  return found;
}

/** Every entry under `dirs`, by absolute path. */
export async function snapshotStore(
  id: string,
  dirs: readonly string[] = DEBIAN_STORE,
  host?: string,
): Promise<StoreSnapshot> {
  const snapshot: StoreSnapshot = new Map();
  for (const dir of dirs) {
    const tar = await dockerCp(id, dir, host);
    if (tar === undefined) continue;
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    for (const [path, kind] of await entries(tar, parent)) snapshot.set(path, kind);
  }
  return snapshot;
}

/** The bytes of one file (a link at the path itself is copied as a link unless `follow`: else pass the real path). */
export async function fileBytes(id: string, path: string, host?: string, follow = false): Promise<Buffer | undefined> {
  const tar = await dockerCp(id, path, host, follow);
  if (tar === undefined) return undefined;
  const [first] = await entries(tar, '');
  return first?.[2];
}

/** Paths added, removed or changed between two snapshots. */
export function storeDifferences(before: StoreSnapshot, after: StoreSnapshot): string[] {
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort();
}
