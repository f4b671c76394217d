import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveEntry, ContainerClient } from '../../src/docker/container-client.js';
import { readContainerFile } from '../../src/docker/files.js';
import { FILE_LINK_HOPS, HASH_LINK_HOPS } from '../../src/docker/links.js';
import { inRoot } from '../../src/host/root-path.js';
import { hashLinked } from '../../src/system-store/links.js';
import { fileIn, type StoreRead } from '../../src/system-store/store-listing.js';

const entry = (type: ArchiveEntry['type'], content = '', linkTarget?: string): ArchiveEntry => ({
  name: 'x',
  type,
  content: Buffer.from(content),
  linkTarget,
  mode: 0o644,
});

/** /etc/ssl/l0 -> l1 -> ... -> l(n-1) -> bundle.pem: n links before the file. */
function chain(n: number): Map<string, ArchiveEntry> {
  const entries = new Map<string, ArchiveEntry>([['/etc/ssl', entry('directory')]]);
  for (let i = 0; i < n; i += 1)
    entries.set(`/etc/ssl/l${i}`, entry('symlink', '', i + 1 < n ? `l${i + 1}` : 'bundle.pem'));
  entries.set('/etc/ssl/bundle.pem', entry('file', 'bundle'));
  return entries;
}

/** A client whose archive reads answer from `entries` (one entry: the path itself, links not followed). */
function archiveClient(entries: Map<string, ArchiveEntry>): ContainerClient {
  return {
    getArchive: async (_id: string, path: string) => {
      const found = entries.get(path);
      return found === undefined ? undefined : [found];
    },
  } as unknown as ContainerClient;
}

describe('following links (one module, named limits)', () => {
  it('reading a file and finding it in a directory read give up after the same number of links', async () => {
    for (const [n, readable] of [
      [FILE_LINK_HOPS, true],
      [FILE_LINK_HOPS + 1, false],
    ] as const) {
      const entries = chain(n);
      const file = await readContainerFile(archiveClient(entries), 'c1', '/etc/ssl/l0');
      assert.equal(file?.content.toString(), readable ? 'bundle' : undefined, `${n} links, engine read`);
      const known = fileIn({ dirs: ['/etc/ssl'], entries }, '/etc/ssl/l0');
      assert.equal(
        known === undefined || known === 'unknown' ? known : known.content.toString(),
        readable ? 'bundle' : undefined,
      );
    }
  });

  it('a hash link leads to an anchor through NAME.pem, and a longer chain than HASH_LINK_HOPS does not count', async () => {
    const anchor = '/usr/local/share/ca-certificates/corp.crt';
    const read = (links: [string, string][]): StoreRead => ({
      dirs: ['/etc/ssl/certs'],
      entries: new Map([
        ['/etc/ssl/certs', entry('directory')],
        ...links.map(([path, target]): [string, ArchiveEntry] => [path, entry('symlink', '', target)]),
      ]),
    });
    const unused = {} as ContainerClient;
    const short = read([
      ['/etc/ssl/certs/1a2b3c4d.0', 'corp.pem'],
      ['/etc/ssl/certs/corp.pem', anchor],
    ]);
    assert.equal(await hashLinked(unused, 'c1', anchor, short), true);
    // HASH_LINK_HOPS + 1 links from the hash link to the anchor.
    const hops: [string, string][] = [];
    for (let i = 0; i < HASH_LINK_HOPS; i += 1)
      hops.push([i === 0 ? '/etc/ssl/certs/1a2b3c4d.0' : `/etc/ssl/certs/h${i}`, `h${i + 1}`]);
    hops.push([`/etc/ssl/certs/h${HASH_LINK_HOPS}`, anchor]);
    assert.equal(await hashLinked(unused, 'c1', anchor, read(hops)), false);
  });

  it('a path in a root tree follows relative and absolute links inside the tree, and a loop is an error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'trustpatch-links-'));
    try {
      await mkdir(join(root, 'etc/pki/tls/certs'), { recursive: true });
      await mkdir(join(root, 'etc/ssl'), { recursive: true });
      await writeFile(join(root, 'etc/pki/tls/certs/ca-bundle.crt'), 'bundle');
      await symlink('../pki/tls/certs', join(root, 'etc/ssl/certs'));
      await symlink('/etc/ssl', join(root, 'etc/ssl-abs'));
      await symlink('loop-b', join(root, 'etc/loop-a'));
      await symlink('loop-a', join(root, 'etc/loop-b'));
      assert.equal(await inRoot(root, '/etc/ssl/certs/ca-bundle.crt'), join(root, 'etc/pki/tls/certs/ca-bundle.crt'));
      assert.equal(
        await inRoot(root, '/etc/ssl-abs/certs/x/../ca-bundle.crt'),
        join(root, 'etc/pki/tls/certs/ca-bundle.crt'),
      );
      // The last part is left alone: a link there is what was asked for.
      assert.equal(await inRoot(root, '/etc/ssl/certs'), join(root, 'etc/ssl/certs'));
      await assert.rejects(inRoot(root, '/etc/loop-a/x'), /too many levels of symbolic links/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
