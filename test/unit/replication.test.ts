import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ArchiveEntry, ContainerClient, ExecResult, FileToWrite } from '../../src/docker/container-client.js';
import { debian } from '../../src/distro/families.js';
import { pack } from 'tar-stream';
import { streamToBuffer } from '../../src/docker/tar.js';
import type { BundleSnapshot } from '../../src/system-store/bundles.js';
import type { StoreRead } from '../../src/system-store/store-listing.js';
import {
  captureReplica,
  Replicas,
  replicaDiffers,
  replicationKey,
  type Replica,
} from '../../src/update/replication.js';

const CERTS = '/etc/ssl/certs';
const UPDATE = '/usr/sbin/update-ca-certificates';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ANCHOR = '/usr/local/share/ca-certificates/Corp-1a2b3c4d.crt';
const LINK = `${CERTS}/Corp-1a2b3c4d.pem`;

function file(name: string, content: string, mode = 0o644): ArchiveEntry {
  return { name, type: 'file', content: Buffer.from(content), mode };
}
function link(name: string, target: string): ArchiveEntry {
  return { name, type: 'symlink', content: Buffer.alloc(0), linkTarget: target, mode: 0o777 };
}
function read(entries: Record<string, ArchiveEntry>, dirs = [CERTS]): StoreRead {
  return { dirs, entries: new Map(Object.entries(entries)) };
}
function bundle(fingerprints: string[], content = 'x'): BundleSnapshot {
  return {
    path: `${CERTS}/ca-certificates.crt`,
    realPath: `${CERTS}/ca-certificates.crt`,
    content: Buffer.from(content),
    fingerprints,
  };
}

const before = read({
  [`${CERTS}/ca-certificates.crt`]: file('certs/ca-certificates.crt', 'A B'),
  [`${CERTS}/Old.pem`]: link('certs/Old.pem', '/usr/share/ca-certificates/mozilla/Old.crt'),
});
const after = read({
  [`${CERTS}/ca-certificates.crt`]: file('certs/ca-certificates.crt', 'A B C'),
  [`${CERTS}/Old.pem`]: link('certs/Old.pem', '/usr/share/ca-certificates/mozilla/Old.crt'),
  [LINK]: link('certs/Corp-1a2b3c4d.pem', ANCHOR),
  [`${CERTS}/0badcafe.0`]: link('certs/0badcafe.0', 'Corp-1a2b3c4d.pem'),
});
const from = { id: 'lead', name: 'web-1' };
const bundles = { before: [bundle(['a', 'b'])], after: [bundle(['a', 'b', 'c'])] };

describe('replication: what a leader update changed, and when it may be written elsewhere', () => {
  it('captures the new bundle, the link to the anchor and its hash link, nothing unchanged', () => {
    const replica = captureReplica(from, before, after, bundles, [ANCHOR], ['c']);
    assert.ok(!('reason' in replica), JSON.stringify(replica));
    assert.deepEqual(
      replica.writes.map((w) => [w.path, w.linkTarget ?? String(w.content)]),
      [
        [LINK, ANCHOR],
        [`${CERTS}/ca-certificates.crt`, 'A B C'],
        [`${CERTS}/0badcafe.0`, 'Corp-1a2b3c4d.pem'],
      ],
    );
    assert.equal(replica.writes[1]?.mode, 0o644);
  });

  it('refuses a change that is not plain: another certificate in the bundle, a removal, any other file or link', () => {
    const more = { before: bundles.before, after: [bundle(['a', 'b', 'c', 'd'])] };
    assert.match(reason(captureReplica(from, before, after, more, [ANCHOR], ['c'])), /other certificates than before/);
    const lost = { before: bundles.before, after: [bundle(['a', 'c'])] };
    assert.match(reason(captureReplica(from, before, after, lost, [ANCHOR], ['c'])), /other certificates/);
    const gone = read(Object.fromEntries([...after.entries].filter(([path]) => !path.endsWith('Old.pem'))));
    assert.match(reason(captureReplica(from, before, gone, bundles, [ANCHOR], ['c'])), /removed .*Old\.pem/);
    const stray = read({ ...Object.fromEntries(after.entries), [`${CERTS}/java`]: file('certs/java', 'x') });
    assert.match(reason(captureReplica(from, before, stray, bundles, [ANCHOR], ['c'])), /changed .*java/);
    const elsewhere = read({
      ...Object.fromEntries(after.entries),
      [`${CERTS}/12345678.0`]: link('certs/12345678.0', 'Old.pem'),
    });
    assert.match(reason(captureReplica(from, before, elsewhere, bundles, [ANCHOR], ['c'])), /changed .*12345678\.0/);
  });

  it('a follower matches only when every entry is the leader (a different link target, an extra file)', () => {
    const replica = captureReplica(from, before, after, bundles, [ANCHOR], ['c']) as Replica;
    assert.equal(replicaDiffers(replica, after), undefined);
    const retargeted = read({ ...Object.fromEntries(after.entries), [LINK]: link('certs/x', '/elsewhere.crt') });
    assert.equal(replicaDiffers(replica, retargeted), LINK);
    const extra = read({ ...Object.fromEntries(after.entries), [`${CERTS}/more.pem`]: file('certs/more.pem', 'y') });
    assert.equal(replicaDiffers(replica, extra), `${CERTS}/more.pem`);
    const mode = read({
      ...Object.fromEntries(after.entries),
      [`${CERTS}/ca-certificates.crt`]: file('c', 'A B C', 0o600),
    });
    assert.equal(replicaDiffers(replica, mode), `${CERTS}/ca-certificates.crt`);
  });

  it('is worth a key only for an image the run selected more than once (any, before the selection is known)', () => {
    const replicas = new Replicas();
    assert.equal(replicas.shared('sha256:a'), true);
    replicas.expect(['sha256:a', 'sha256:b', 'sha256:a']);
    assert.deepEqual(
      ['sha256:a', 'sha256:b', 'sha256:c'].map((id) => replicas.shared(id)),
      [true, false, false],
    );
  });

  it('one leader a key: the others get its replica, or undefined when it had none', async () => {
    const replicas = new Replicas();
    const lead = replicas.claim('k', { name: 'web-1' });
    const follow = replicas.claim('k', { name: 'web-2' });
    const other = replicas.claim('other', { name: 'web-3' });
    assert.equal(lead.lead, true);
    assert.equal(other.lead, true);
    assert.ok(!follow.lead);
    assert.equal(follow.leader, 'web-1');
    if (lead.lead) lead.finish(undefined);
    assert.equal(await follow.replica, undefined);
    // The key is free again: the next container to come leads; once it has a replica, that stays.
    const next = replicas.claim('k', { name: 'web-4' });
    assert.ok(next.lead);
    next.finish({ from: { id: 'c4', name: 'web-4' }, writes: [], after: new Map() });
    next.finish(undefined);
    const last = replicas.claim('k', { name: 'web-5' });
    assert.ok(!last.lead);
    assert.equal((await last.replica)?.from.name, 'web-4');
  });
});

describe('replication keys: the same only for the same image, update and input bytes', () => {
  const inputs: FileToWrite[] = [
    { path: '/etc/ca-certificates.conf', content: 'mozilla/Old.crt\n' },
    { path: '/usr/share/ca-certificates/mozilla/Old.crt', content: 'old' },
    { path: '/usr/sbin/update-ca-certificates', content: '#!/bin/sh\n', mode: 0o755 },
  ];
  const store = read(Object.fromEntries(before.entries), [CERTS, '/usr/local/share/ca-certificates']);
  const anchors = [{ path: ANCHOR, content: 'pem' }];

  const paths = ['/etc/ca-certificates.conf', '/usr/share/ca-certificates', '/etc/ca-certificates/update.d', UPDATE];

  /** The key of a container holding `files`, hashed as the probe's sha256sum would (`hashed`: other files, hashed before). */
  async function key(
    files: FileToWrite[],
    imageId = 'sha256:img',
    storeRead = store,
    hashed: FileToWrite[] | 'none' = files,
  ): Promise<string> {
    const digest = hashed === 'none' ? undefined : { paths, sha256: sha256(await archiveOf(hashed)) };
    const found = await replicationKey(tarClient(files), {
      info: { id: 'c', imageId },
      family: debian,
      update: [UPDATE],
      store: storeRead,
      digest,
      anchors,
    });
    if ('reason' in found) return `no: ${found.reason}`;
    // The check of the inputs, made by the one that leads a key.
    const problem = await found.check();
    return problem === undefined ? found.key : `no (leading): ${problem}`;
  }

  it('changes with any input byte, the image, or the store; refuses hooks and links out of the inputs', async () => {
    const base = await key(inputs);
    assert.doesNotMatch(base, /^no/);
    assert.equal(await key(inputs), base);
    assert.notEqual(await key([{ ...inputs[0]!, content: '!mozilla/Old.crt\n' }, ...inputs.slice(1)]), base);
    assert.notEqual(await key(inputs, 'sha256:other'), base);
    const edited = read({ ...Object.fromEntries(before.entries), [`${CERTS}/ca-certificates.crt`]: file('c', 'A') });
    assert.notEqual(await key(inputs, 'sha256:img', edited), base);
    const hook = { path: '/etc/ca-certificates/update.d/jks-keystore', content: '#!/bin/sh\n', mode: 0o755 };
    assert.match(await key([...inputs, hook]), /^no \(leading\): update hooks are there/);
    const outLink = { path: '/usr/share/ca-certificates/mozilla/Out.crt', content: '', linkTarget: '/opt/out.crt' };
    assert.match(await key([...inputs, outLink]), /^no \(leading\): .*Out\.crt links outside/);
    const out = read({
      ...Object.fromEntries(before.entries),
      [`${CERTS}/Out.pem`]: link('certs/Out.pem', '/opt/x.pem'),
    });
    assert.match(await key(inputs, 'sha256:img', out), /^no: .*Out\.pem links outside/);
    assert.match(await key(inputs, ''), /^no: the image is not known/);
  });

  it("the leader reads the inputs it leads for: bytes that do not hash to the probe's digest, or no digest, rule it out", async () => {
    // A hook added between the probe's digest and the leader's read: its followers hashed no hook.
    const hook = { path: '/etc/ca-certificates/update.d/jks-keystore', content: '#!/bin/sh\n', mode: 0o755 };
    assert.match(
      await key([...inputs, hook], 'sha256:img', store, inputs),
      /^no \(leading\): the update's inputs read now are not those hashed before/,
    );
    assert.match(await key(inputs, 'sha256:img', store, 'none'), /^no: the update's inputs were not hashed/);
  });
});

/** The archive tar makes of `files`, as the fake container's tar writes it (the same files, the same bytes: fixed times). */
async function archiveOf(files: FileToWrite[]): Promise<Buffer> {
  const archive = pack();
  for (const file of files) {
    const header = { name: file.path.slice(1), mode: file.mode ?? 0o644, mtime: new Date(0) };
    if (file.linkTarget !== undefined) archive.entry({ ...header, type: 'symlink', linkname: file.linkTarget });
    else archive.entry(header, Buffer.from(file.content));
  }
  archive.finalize();
  return streamToBuffer(archive);
}

function reason(result: Replica | { reason: string }): string {
  return 'reason' in result ? result.reason : 'replicated';
}

/** A container whose tar answers with an archive of `files` (the engine stat says /bin/tar is there). */
function tarClient(files: FileToWrite[]): ContainerClient {
  return {
    endpoint: 'fake',
    stat: async (_id: string, path: string) =>
      path === '/bin/tar' ? { name: 'tar', size: 1, type: 'file' } : undefined,
    exec: async (_id: string, argv: readonly string[]): Promise<ExecResult> => {
      const bytes = await archiveOf(files);
      return { argv, exitCode: 0, stdout: '', stdoutBytes: bytes, stderr: '', timedOut: false };
    },
  } as unknown as ContainerClient;
}
