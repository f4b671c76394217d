import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTrust, hostTrusts } from '../../src/host/host-trusts.js';
import { HOST_ID, LocalClient } from '../../src/host/local-client.js';
import { missingDirs, removeCreatedDirs } from '../../src/system-store/created-dirs.js';
import { readStore } from '../../src/system-store/store-listing.js';
import { makeCa, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';

describe('hostTrusts: whether a tree already trusts a CA (for containers that mount the host store)', () => {
  let ca: TestCa;
  let other: TestCa;
  let tree: string;
  let fingerprint: string;

  before(async () => {
    [ca, other] = await Promise.all([makeCa('Trusted Host CA'), makeCa('Other Host CA')]);
    fingerprint = await opensslFingerprint(ca.certPath);
  });
  after(async () => Promise.all([removeCa(ca), removeCa(other)]));
  beforeEach(async () => {
    tree = await mkdtemp(join(tmpdir(), 'trustpatch-trusts-'));
  });
  afterEach(async () => rm(tree, { recursive: true, force: true }));

  async function file(path: string, content: string) {
    await mkdir(join(tree, path, '..'), { recursive: true });
    await writeFile(join(tree, path), content);
  }

  it('Debian: trusted only with the CA in an anchor and in the bundle; either alone is not enough', async () => {
    await file('etc/os-release', 'ID=debian\n');
    await file('etc/ssl/certs/ca-certificates.crt', other.pem + ca.pem);
    assert.equal(
      await hostTrusts({ fingerprint }, tree),
      false,
      'in the bundle only: the next update-ca-certificates drops it',
    );
    await file('usr/local/share/ca-certificates/corp.crt', ca.pem);
    const trust = await hostTrust({ fingerprint }, tree);
    assert.deepEqual(trust, {
      trusted: true,
      family: 'debian',
      anchorDir: '/usr/local/share/ca-certificates',
      anchor: '/usr/local/share/ca-certificates/corp.crt',
      bundles: [{ path: '/etc/ssl/certs/ca-certificates.crt', present: true }],
    });
    await file('etc/ssl/certs/ca-certificates.crt', other.pem);
    assert.equal(await hostTrusts({ fingerprint }, tree), false, 'in the anchor only');
  });

  it('a tree without anchor directory (BusyBox-like, no os-release): the bundle decides; no bundle, no trust', async () => {
    await file('bin/sh', '');
    assert.equal(await hostTrusts({ fingerprint }, tree), false);
    await file('etc/ssl/certs/ca-certificates.crt', ca.pem);
    assert.equal(await hostTrusts({ fingerprint }, tree), true);
  });

  it('missingDirs names the directories a write would create, deepest first, and removeCreatedDirs says which stay', async () => {
    await file('etc/os-release', 'ID=alpine\n');
    const client = new LocalClient(tree);
    const known = await readStore(client, HOST_ID, ['/etc']);
    const dirs = await missingDirs(
      client,
      HOST_ID,
      ['/usr/local/share/ca-certificates/a.crt', '/etc/ssl/certs/ca-certificates.crt', '/var/lib/trustpatch'],
      known,
    );
    assert.deepEqual(dirs, [
      '/usr/local/share/ca-certificates',
      '/etc/ssl/certs',
      '/usr/local/share',
      '/etc/ssl',
      '/usr/local',
      '/var/lib',
      '/usr',
      '/var',
    ]);
    await file('etc/ssl/certs/x', '');
    assert.deepEqual(await removeCreatedDirs(client, HOST_ID, ['/etc/ssl/certs', '/etc/ssl'], undefined), [
      '/etc/ssl/certs',
      '/etc/ssl',
    ]);
  });
});
