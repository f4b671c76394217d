import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostStoreLine, hostStoreNote } from '../../src/host/host-store-mounts.js';
import type { StoreMount } from '../../src/mounts/mount-map.js';
import { MANIFEST_PATH } from '../../src/record/manifest.js';
import { makeCa, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';

describe('status on a container that mounts the host trust store: what the host trusts', () => {
  let ca: TestCa;
  let gone: TestCa;
  let tree: string;

  before(async () => {
    [ca, gone] = await Promise.all([makeCa('Host Added CA'), makeCa('Host Lost CA')]);
  });
  after(async () => Promise.all([removeCa(ca), removeCa(gone)]));
  beforeEach(async () => {
    tree = await mkdtemp(join(tmpdir(), 'trustpatch-hoststore-'));
  });
  afterEach(async () => rm(tree, { recursive: true, force: true }));

  async function file(path: string, content: string) {
    await mkdir(join(tree, path, '..'), { recursive: true });
    await writeFile(join(tree, path), content);
  }
  const bind = (source: string, destination = '/etc/ssl/certs'): StoreMount => ({
    type: 'bind',
    source,
    destination,
    readOnly: true,
    paths: [destination],
  });
  async function entry(c: TestCa, name: string) {
    return {
      fingerprint: await opensslFingerprint(c.certPath),
      subject: `CN=${name}`,
      name,
      family: 'debian',
      method: 'update-command',
      anchor: `/usr/local/share/ca-certificates/${name}.crt`,
      bundles: [],
      certifi: [],
      java: [],
      commands: [],
      addedAt: '2026-12-01T00:00:00.000Z',
      trustpatchVersion: '0.1.0',
    };
  }

  it('names the CAs host add recorded that the host trusts, and those it no longer trusts in full', async () => {
    await file('etc/os-release', 'ID=debian\n');
    await file('etc/ssl/certs/ca-certificates.crt', ca.pem);
    await file('usr/local/share/ca-certificates/corp.crt', ca.pem);
    await file(
      MANIFEST_PATH,
      JSON.stringify({ schemaVersion: 1, entries: [await entry(ca, 'corp'), await entry(gone, 'lost')] }),
    );
    const note = await hostStoreNote([bind(join(tree, 'etc/ssl/certs'))], tree);
    assert.deepEqual(note?.sources, [join(tree, 'etc/ssl/certs')]);
    assert.deepEqual(
      note?.trusted.map((c) => c.name),
      ['corp'],
    );
    assert.deepEqual(
      note?.notTrusted.map((c) => c.name),
      ['lost'],
    );
    assert.equal(
      hostStoreLine('web', note!),
      `web: mounts this machine's trust store (${join(tree, 'etc/ssl/certs')}): this machine trusts corp (trustpatch host add), so this container does too; this machine no longer trusts lost in full (\`trustpatch host status\` says why)`,
    );
  });

  it('with no host record it says how to trust a CA there; a bind of anything else, a volume or tmpfs is not the host store', async () => {
    await file('etc/os-release', 'ID=debian\n');
    await file('etc/ssl/certs/ca-certificates.crt', ca.pem);
    const note = await hostStoreNote([bind(join(tree, 'etc/ssl/certs'))], tree);
    assert.deepEqual(note, { sources: [join(tree, 'etc/ssl/certs')], trusted: [], notTrusted: [] });
    assert.match(
      hostStoreLine('web', note!),
      /trustpatch added no CA to this machine; `sudo trustpatch host add CA` trusts one there/,
    );
    for (const mounts of [
      [bind(join(tree, 'srv/certs'))],
      [bind('/somewhere/else/etc/ssl/certs')],
      [
        {
          type: 'volume',
          source: '/var/lib/docker/volumes/v/_data',
          volume: 'v',
          destination: '/etc/ssl/certs',
          readOnly: false,
          paths: ['/etc/ssl/certs'],
        },
      ],
      [{ type: 'tmpfs', source: '', destination: '/etc/ssl/certs', readOnly: false, paths: ['/etc/ssl/certs'] }],
    ]) {
      assert.equal(await hostStoreNote(mounts, tree), undefined, JSON.stringify(mounts));
    }
  });
});
