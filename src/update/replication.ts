import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { ArchiveEntry, ContainerClient, ContainerInfo, FileToWrite } from '../docker/container-client.js';
import { unpackEntries } from '../docker/tar.js';
import type { Family } from '../distro/family.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import type { StoreRead } from '../system-store/store-listing.js';
import type { InputsDigest } from '../system-store/survey.js';
import { findTar, tarArchive } from '../system-store/store-read-exec.js';

/**
 * Replication: in a fleet of one image, the update command runs in one container (the leader)
 * and its output is written into the others through the archive API, where that output is
 * known to be what the update would write there too (docs/how-add-works.md, "Replicated
 * updates"). Known when: the family declares what its update reads and that it writes only
 * the bundles' directories (Family.replication); the containers share the image, the update
 * command, and the bytes of everything it reads (the anchor and bundles' directories as the
 * survey read them, the family's other inputs as hashed in the survey's probe); no hook can run (the hook directory
 * is empty); no link among the inputs leads outside them. The leader's change must also be
 * plain: the bundles hold exactly the certificates of before plus the new ones, and nothing
 * else changed but links to the anchors and hash links to those. A follower then checks that
 * its own store after the write is, entry for entry, the leader's store after the update.
 */

/** What the leader's update changed in the bundles' directories, and what they held after it. */
export interface Replica {
  from: { id: string; name: string };
  /** The entries to write (files and links), by absolute path. */
  writes: FileToWrite[];
  /** Every entry of the bundles' directories after the update, as entryKey describes it. */
  after: Map<string, string>;
}

/** A container's place among those with the same key: it runs the update, or follows one that does. */
export type ReplicaClaim =
  | { lead: true; finish: (replica: Replica | undefined) => void }
  | { lead: false; leader: string; replica: Promise<Replica | undefined> };

/** Shared by the containers of one run: one leader a key. */
export class Replicas {
  private readonly held = new Map<string, { leader: string; replica: Promise<Replica | undefined> }>();
  /** How many containers of each image the run selected; undefined when not known (`--watch`). */
  private images: Map<string, number> | undefined;

  /** The image ids of the run's containers: an image with one container is not worth hashing its inputs. */
  expect(imageIds: readonly string[]): void {
    this.images = new Map();
    for (const id of imageIds) this.images.set(id, (this.images.get(id) ?? 0) + 1);
  }

  /** Whether a container of this image may share an update with another of the run. */
  shared(imageId: string): boolean {
    return this.images === undefined || (this.images.get(imageId) ?? 0) > 1;
  }

  claim(key: string, container: { name: string }): ReplicaClaim {
    const held = this.held.get(key);
    if (held !== undefined) return { lead: false, ...held };
    let resolve: (replica: Replica | undefined) => void = () => undefined;
    const replica = new Promise<Replica | undefined>((done) => (resolve = done));
    const mine = { leader: container.name, replica };
    this.held.set(key, mine);
    let settled = false;
    const finish = (made: Replica | undefined) => {
      if (settled) return;
      settled = true;
      // A leader without a replica lets the next container to come lead (those waiting run the update themselves).
      if (made === undefined && this.held.get(key) === mine) this.held.delete(key);
      resolve(made);
    };
    return { lead: true, finish };
  }
}

/** An archive entry as compared between containers: kind, mode and content digest or link target. */
export function entryKey(entry: ArchiveEntry): string {
  if (entry.type === 'symlink') return `link ${entry.linkTarget ?? ''}`;
  if (entry.type === 'file')
    return `file ${(entry.mode & 0o7777).toString(8)} ${createHash('sha256').update(entry.content).digest('hex')}`;
  return `${entry.type} ${(entry.mode & 0o7777).toString(8)}`;
}

/** Entries keyed as entryKey describes them. */
export function entryKeys(read: StoreRead): Map<string, string> {
  return new Map([...read.entries].map(([path, entry]) => [path, entryKey(entry)]));
}

export interface KeyInputs {
  info: Pick<ContainerInfo, 'id' | 'imageId'>;
  family: Family;
  update: readonly string[];
  /** The anchor and bundles' directories as the survey read them. */
  store: StoreRead;
  /** The digest of the family's other inputs, taken in the survey's probe (none: not taken). */
  digest: InputsDigest | undefined;
  /** The anchors the patch writes. */
  anchors: readonly FileToWrite[];
}

/** A replication key, and the checks of the inputs that the container leading it runs (followers share its bytes). */
export interface ReplicationKey {
  key: string;
  /** The reason the inputs rule replication out (a hook, a link out of them), or undefined. */
  check: () => Promise<string | undefined>;
}

/**
 * What the survey's probe hashes for a family whose update is replicated: its declared inputs
 * and its update programs. The container's tar archives them and its sha256sum hashes the
 * archive (src/patch/probe-cache.ts), so only 64 hex digits leave each container.
 */
export function replicationInputs(family: Family): string[] {
  if (family.replication === undefined) return [];
  return [...new Set([...family.replication.inputs, ...family.updateCommands.map((argv) => argv[0]!)])];
}

/**
 * The key under which containers share a replica, or the reason this one cannot. The key
 * covers the SHA-256 of the inputs' archive as the container's tar wrote it (taken in the
 * survey's probe), so only the container that leads a key reads that archive (`check`, one
 * exec of the same tar; paths as argv, no shell): its bytes must hash to the same digest, and
 * then its hooks and links decide for all who share the key, whose bytes are the same.
 */
export async function replicationKey(
  client: ContainerClient,
  inputs: KeyInputs,
): Promise<ReplicationKey | { reason: string }> {
  const { info, family, update, store, digest, anchors } = inputs;
  const spec = family.replication;
  if (spec === undefined) return { reason: `the ${family.id} family's update is not replicated` };
  if (info.imageId === '') return { reason: 'the image is not known' };
  if (digest === undefined) return { reason: "the update's inputs were not hashed (no tar or sha256sum)" };
  if (!digest.paths.includes(update[0]!)) return { reason: `${update[0]} was not hashed with the inputs` };
  const within = [...store.dirs, ...spec.inputs];
  const out = linkOutside(store.entries, within);
  if (out !== undefined) return { reason: `${out} links outside the update's inputs` };
  const hash = createHash('sha256');
  hash.update(`${info.imageId}\0${family.id}\0${update.join('\0')}\0`);
  for (const path of [...store.entries.keys()].sort()) hash.update(`${path}\0${entryKey(store.entries.get(path)!)}\0`);
  hash.update(`${digest.paths.join('\0')}\0${digest.sha256}\0`);
  for (const anchor of anchors)
    hash.update(`${anchor.path}\0${createHash('sha256').update(anchor.content).digest('hex')}\0`);
  const check = async (): Promise<string | undefined> => {
    const tar = await findTar(client, info.id);
    if (tar === undefined) return 'no tar in the container';
    const bytes = await tarArchive(client, info.id, tar, digest.paths);
    if (bytes === undefined) return `the update's inputs could not be read (${digest.paths.join(', ')})`;
    if (createHash('sha256').update(bytes).digest('hex') !== digest.sha256)
      return "the update's inputs read now are not those hashed before";
    let read: ArchiveEntry[];
    try {
      read = await unpackEntries(Readable.from([bytes]));
    } catch {
      return "the update's inputs could not be read";
    }
    const entries = new Map(read.map((entry) => [`/${entry.name.replace(/\/+$/, '')}`, entry] as const));
    const hooks = [...entries.keys()].filter((path) => path.startsWith(`${spec.hooks}/`));
    if (hooks.length > 0) return `update hooks are there (${hooks.join(', ')})`;
    const outside = linkOutside(entries, within);
    return outside === undefined ? undefined : `${outside} links outside the update's inputs`;
  };
  return { key: hash.digest('hex'), check };
}

/** The first link among `entries` whose target (resolved from its directory) is outside `within`. */
function linkOutside(entries: ReadonlyMap<string, ArchiveEntry>, within: readonly string[]): string | undefined {
  for (const [path, entry] of entries) {
    if (entry.type !== 'symlink') continue;
    const target = posix.resolve(posix.dirname(path), entry.linkTarget ?? '');
    if (!within.some((dir) => target === dir || target.startsWith(`${dir}/`))) return path;
  }
  return undefined;
}

/**
 * What the leader's update changed (before: the survey's read; after: the bundles' directories
 * read after it), or the reason it is not plain enough to replicate.
 */
export function captureReplica(
  from: { id: string; name: string },
  before: StoreRead,
  after: StoreRead,
  bundles: { before: readonly BundleSnapshot[]; after: readonly BundleSnapshot[] },
  anchorPaths: readonly string[],
  fingerprints: readonly string[],
): Replica | { reason: string } {
  for (const [index, bundle] of bundles.after.entries()) {
    const old = bundles.before[index]!.fingerprints;
    const expected = [...old, ...fingerprints.filter((fp) => !old.includes(fp))].sort();
    if (bundle.fingerprints.length !== expected.length || [...bundle.fingerprints].sort().join() !== expected.join())
      return { reason: `${bundle.path} holds other certificates than before plus the new ones` };
  }
  const bundlePaths = new Set(
    bundles.after.filter((b) => b.content !== undefined).flatMap((b) => [b.path, b.realPath]),
  );
  for (const path of before.entries.keys())
    if (after.dirs.some((dir) => path.startsWith(`${dir}/`)) && !after.entries.has(path))
      return { reason: `the update removed ${path}` };
  const writes: FileToWrite[] = [];
  const toAnchors = new Set<string>();
  const changed = [...after.entries].filter(([path, entry]) => {
    const old = before.entries.get(path);
    return old === undefined || entryKey(old) !== entryKey(entry);
  });
  // Links to the anchors first, then hash links to those: nothing else may have changed.
  for (const [path, entry] of changed)
    if (entry.type === 'symlink' && anchorPaths.includes(entry.linkTarget ?? '')) {
      toAnchors.add(posix.basename(path));
      writes.push({ path, content: '', linkTarget: entry.linkTarget });
    }
  for (const [path, entry] of changed) {
    if (entry.type === 'symlink' && anchorPaths.includes(entry.linkTarget ?? '')) continue;
    if (
      entry.type === 'symlink' &&
      /^[0-9a-f]{8}\.\d+$/.test(posix.basename(path)) &&
      toAnchors.has(entry.linkTarget ?? '')
    )
      writes.push({ path, content: '', linkTarget: entry.linkTarget });
    else if (entry.type === 'file' && bundlePaths.has(path))
      writes.push({ path, content: entry.content, mode: entry.mode & 0o7777 });
    else return { reason: `the update changed ${path}, which replication does not write` };
  }
  return { from, writes, after: entryKeys(after) };
}

/** Where a follower's store after the write differs from the leader's after its update (undefined: nowhere). */
export function replicaDiffers(replica: Replica, after: StoreRead): string | undefined {
  const mine = entryKeys(after);
  for (const [path, key] of replica.after) if (mine.get(path) !== key) return path;
  for (const path of mine.keys()) if (!replica.after.has(path)) return path;
  return undefined;
}
