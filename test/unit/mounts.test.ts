import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { exitCodeFor } from '../../src/commands/add/run.js';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import type { Mount } from '../../src/docker/container-client.js';
import { mountFor, storeMounts } from '../../src/mounts/mount-map.js';
import { SharedStores } from '../../src/mounts/shared-stores.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { MANIFEST_PATH } from '../../src/record/manifest.js';
import { FakeClient, type FakeContainer } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { persistenceNotes } from '../../src/commands/add/aftercare.js';

const bind = (source: string, destination: string, rw = true): Mount => ({ type: 'bind', source, destination, rw });
const volume = (name: string, destination: string): Mount => ({
  type: 'volume',
  name,
  source: `/var/lib/docker/volumes/${name}/_data`,
  destination,
  rw: true,
});

describe('mount mapping', () => {
  it('takes the mount with the longest destination that is a prefix of the path', () => {
    const mounts = [bind('/srv/etc-ssl', '/etc/ssl'), bind('/srv/certs', '/etc/ssl/certs')];
    assert.equal(mountFor(mounts, '/etc/ssl/certs/ca-certificates.crt')?.source, '/srv/certs');
    assert.equal(mountFor(mounts, '/etc/ssl/openssl.cnf')?.source, '/srv/etc-ssl');
    assert.equal(mountFor(mounts, '/etc/ssl/certs')?.source, '/srv/certs');
  });

  it('matches whole path parts only, and a single-file bind at its own path', () => {
    const mounts = [
      bind('/srv/certs', '/etc/ssl/certs/'),
      bind('/home/u/corp.pem', '/etc/ssl/certs/ca-certificates.crt', false),
    ];
    assert.equal(mountFor(mounts, '/etc/ssl/certs2/x.pem'), undefined);
    assert.equal(mountFor(mounts, '/etc/ssl/certs/ca-certificates.crt')?.source, '/home/u/corp.pem');
    assert.equal(mountFor(mounts, '/etc/ssl/certs/ca-certificates.crt.new')?.source, '/srv/certs');
    assert.equal(mountFor([], '/etc/ssl/certs'), undefined);
  });

  it("groups the paths by the mount they land on and leaves the container's own paths out", () => {
    const found = storeMounts(
      [volume('certs', '/etc/ssl/certs'), bind('/srv/anchors', '/usr/local/share/ca-certificates', false)],
      [BUNDLE, '/etc/ssl/certs', ANCHORS, MANIFEST_PATH],
    );
    assert.deepEqual(found, [
      {
        type: 'volume',
        source: '/var/lib/docker/volumes/certs/_data',
        volume: 'certs',
        destination: '/etc/ssl/certs',
        readOnly: false,
        paths: [BUNDLE, '/etc/ssl/certs'],
      },
      { type: 'bind', source: '/srv/anchors', destination: ANCHORS, readOnly: true, paths: [ANCHORS] },
    ]);
  });
});

describe('patching a container whose trust store is on a mount (fake engine)', () => {
  let distro: TestCa;
  let corp: TestCa;
  before(async () => {
    distro = await makeCa('Distro Root');
    corp = await makeCa('Corp Root');
  });
  after(async () => Promise.all([distro, corp].map(removeCa)));

  function setup(mounts: Mount[], extra: { throughMounts?: boolean } = {}) {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', [distro.pem]));
    container.info = { ...container.info, mounts };
    const { certificates } = parseCertificates(Buffer.from(corp.pem), 'corp.pem');
    const context: PatchContext = {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
      options: { checkUrls: [], install: 'auto', timeoutMs: 1000, ...extra },
    };
    return { client, container, context };
  }
  const untouched = (container: FakeContainer, bundle: Buffer) => {
    assert.deepEqual(container.writes, []);
    assert.ok(
      !container.execs.some((argv) => argv[0] === '/usr/sbin/update-ca-certificates'),
      'the update did not run',
    );
    assert.ok(container.files.get(BUNDLE)!.equals(bundle));
  };

  it('writes nothing to a read-only bind and names it and the next step', async () => {
    const { container, context } = setup([bind('/srv/certs', '/etc/ssl/certs', false)]);
    const bundle = container.files.get(BUNDLE)!;
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.rollback, 'not-needed');
    assert.match(
      result.status === 'failed' ? result.reason : '',
      /read-only mount \(\/etc\/ssl\/certs: host path \/srv\/certs \(bind, read-only\)\): trust the CA on the host, in \/srv\/certs/,
    );
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      result.mounts?.map((m) => [m.destination, m.readOnly]),
      [['/etc/ssl/certs', true]],
      'the refused result names its mounts',
    );
    untouched(container, bundle);
  });

  it('refuses a writable volume by default, naming the other containers that mount it', async () => {
    const { client, container, context } = setup([volume('certs', '/etc/ssl/certs')]);
    const other = client.add(fakeDebian('c2', [distro.pem]));
    other.info = { ...other.info, mounts: [volume('certs', '/certs')] };
    const bundle = container.files.get(BUNDLE)!;
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed');
    assert.match(
      result.status === 'failed' ? result.reason : '',
      /volume certs.*also mounted by name-c2.*--through-mounts/,
    );
    untouched(container, bundle);
  });

  it('refuses a tmpfs over the bundle directory before writing', async () => {
    const { container, context } = setup([{ type: 'tmpfs', source: '', destination: '/etc/ssl/certs', rw: true }], {
      throughMounts: true,
    });
    const bundle = container.files.get(BUNDLE)!;
    const result = await patchContainer(context, container.info);
    assert.match(result.status === 'failed' ? result.reason : '', /tmpfs.*moby\/moby#22020/);
    untouched(container, bundle);
  });

  it('patches through a writable bind with --through-mounts, and the result and record name it', async () => {
    const { container, context } = setup([bind('/srv/certs', '/etc/ssl/certs')], { throughMounts: true });
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.deepEqual(
      result.mounts?.map((m) => [m.source, m.readOnly, m.paths.includes(BUNDLE)]),
      [['/srv/certs', false, true]],
    );
    const record = JSON.parse(container.read(MANIFEST_PATH)!) as { entries: { mounts: { source: string }[] }[] };
    assert.equal(record.entries[0]!.mounts[0]!.source, '/srv/certs');
  });

  it('patches a store shared by two containers once, and the other one is covered', async () => {
    const { client, container: first, context } = setup([volume('certs', '/etc/ssl/certs')], { throughMounts: true });
    const second = client.add(fakeDebian('c2', [distro.pem]));
    second.info = { ...second.info, mounts: [volume('certs', '/etc/ssl/certs')] };
    // One volume: what either writes to the bundle, the other reads.
    for (const [self, peer] of [
      [first, second],
      [second, first],
    ] as const) {
      const own = self.handler;
      self.handler = (argv, me, options) => {
        const answer = own(argv, me, options);
        if (argv[0] === '/usr/sbin/update-ca-certificates') peer.files.set(BUNDLE, me.files.get(BUNDLE)!);
        return answer;
      };
    }
    const shared = new SharedStores();
    const results = await Promise.all([first, second].map((c) => patchContainer({ ...context, shared }, c.info)));
    assert.deepEqual(results.map((r) => r.status).sort(), ['covered', 'patched'], JSON.stringify(results));
    const updates = [first, second].map(
      (c) => c.execs.filter((argv) => argv[0] === '/usr/sbin/update-ca-certificates').length,
    );
    assert.deepEqual(updates.sort(), [0, 1]);
    const covered = results.find((r) => r.status === 'covered')!;
    const leader = results.find((r) => r.status === 'patched')!;
    assert.equal(covered.coveredBy, leader.name);
    const record = JSON.parse(client.containers.get(covered.id)!.read(MANIFEST_PATH)!) as {
      entries: { coveredBy: { name: string }; anchor: null }[];
    };
    assert.deepEqual([record.entries[0]!.coveredBy.name, record.entries[0]!.anchor], [leader.name, null]);
  });

  it('a covered container whose check fails is failed on its own: nothing rolled back, the shared store keeps the patch', async () => {
    const { client, container: first, context } = setup([volume('certs', '/etc/ssl/certs')], { throughMounts: true });
    const second = client.add(fakeDebian('c2', [distro.pem], { curl: () => false }));
    second.info = { ...second.info, mounts: [volume('certs', '/etc/ssl/certs')] };
    first.write('/usr/bin/curl', 'ELF');
    const own = first.handler;
    first.handler = (argv, me, options) => {
      if (argv[0] === '/usr/bin/curl') return { exitCode: 0 };
      const answer = own(argv, me, options);
      if (argv[0] === '/usr/sbin/update-ca-certificates') second.files.set(BUNDLE, me.files.get(BUNDLE)!);
      return answer;
    };
    const stranger = await makeCa('Stranger Root');
    const server = await makeServerCert(stranger);
    await removeCa(stranger);
    const shared = new SharedStores();
    const options = { ...context.options, checkUrls: ['https://127.0.0.1:8443/'] };
    const readChain = async () => [new X509Certificate(server.cert).raw];
    const leader = await patchContainer({ ...context, options, shared, readChain }, first.info);
    const follower = await patchContainer({ ...context, options, shared, readChain }, second.info);
    assert.equal(leader.status, 'patched', JSON.stringify(leader));
    assert.equal(follower.status, 'failed');
    assert.equal(follower.status === 'failed' && follower.rollback, 'not-needed');
    assert.deepEqual(second.writes, []);
    assert.ok(
      first.read(BUNDLE)!.includes(corp.pem) && second.read(BUNDLE)!.includes(corp.pem),
      'the shared store still holds the patch',
    );
  });
});

describe('a client that refuses after the patch (fake engine, chain read by a stand-in)', () => {
  let distro: TestCa;
  let corp: TestCa;
  let other: TestCa;
  before(async () => {
    [distro, corp, other] = [await makeCa('Distro Root'), await makeCa('Corp Root'), await makeCa('Someone Else Root')];
  });
  after(async () => Promise.all([distro, corp, other].map(removeCa)));

  async function run(signer: TestCa) {
    const client = new FakeClient();
    // curl refuses whatever the bundle holds: the server's names do not match the URL.
    const container = client.add(fakeDebian('c1', [distro.pem], { curl: () => false }));
    const server = await makeServerCert(signer, 'elsewhere', { subjectAltName: 'DNS:elsewhere.invalid' });
    const readChain = async () => [new X509Certificate(server.cert).raw];
    const { certificates } = parseCertificates(Buffer.from(corp.pem), 'corp.pem');
    const context: PatchContext = {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
      options: { checkUrls: ['https://127.0.0.1:8443/'], install: 'auto', timeoutMs: 1000 },
      readChain,
    };
    return { container, result: await patchContainer(context, container.info) };
  }

  it('keeps the verified patch when the CA signs the chain, exits 1, and says why the client cannot prove it', async () => {
    const { container, result } = await run(corp);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.ok(container.read(BUNDLE)!.includes(corp.pem));
    assert.equal(result.check.after[0]!.failure, 'unprovable');
    assert.equal(exitCodeFor([result]), 1);
    assert.match(
      result.warnings.join('\n'),
      /curl cannot prove trust for https:\/\/127\.0\.0\.1:8443\/ .*does not name the IP address 127\.0\.0\.1 \(it names DNS:elsewhere\.invalid\)/,
    );
    assert.doesNotMatch(result.warnings.join('\n'), /is this the CA/);
  });

  it('rolls back as distrust when the CA does not sign the chain', async () => {
    const { container, result } = await run(other);
    assert.equal(result.status, 'failed');
    assert.match(
      result.status === 'failed' ? result.reason : '',
      /the CA does not sign the chain https:\/\/127\.0\.0\.1:8443\/ presents/,
    );
    assert.equal(result.status === 'failed' && result.rollback, 'done');
    assert.ok(!container.read(BUNDLE)!.includes(corp.pem));
  });
});

describe('the persistence note after add', () => {
  const base = {
    id: 'c1',
    name: 'web',
    image: 'debian',
    family: 'debian',
    method: 'update-command' as const,
    check: { before: [], after: [] },
    durationMs: 1,
    warnings: [],
  };
  const onHost = {
    type: 'bind',
    source: '/srv/certs',
    destination: '/etc/ssl/certs',
    readOnly: false,
    paths: [BUNDLE],
  };

  it('says a recreate loses the change when it lives in the container only', () => {
    assert.deepEqual(persistenceNotes([{ ...base, status: 'patched' }], 'ca.pem'), [
      'note: a recreated container loses these changes; `trustpatch dockerfile ca.pem --family debian` prints the Dockerfile lines that make them permanent, and `trustpatch image add ca.pem debian` writes an image that keeps them (`trustpatch image add --help`)',
    ]);
  });

  it('says where a change written through a mount lives, and that only the rest is lost', () => {
    const notes = persistenceNotes([{ ...base, status: 'patched', mounts: [onHost] }], 'ca.pem');
    assert.equal(
      notes[0],
      `note: web: ${BUNDLE}: the change lives in host path /srv/certs, outlives the container and reaches every container mounting it`,
    );
    assert.match(
      notes[1]!,
      /^note: a recreated container loses the changes made in its own filesystem \(anchor, record\)/,
    );
  });

  it('says nothing when nothing was patched, or only covered by a shared store', () => {
    assert.deepEqual(
      persistenceNotes(
        [
          { ...base, status: 'covered', mounts: [onHost] },
          { ...base, status: 'skipped', reason: 'x' },
        ],
        'ca.pem',
      ),
      [],
    );
  });
});
