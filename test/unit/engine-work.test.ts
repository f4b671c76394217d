import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import type { ArchiveEntry } from '../../src/docker/container-client.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { fileIn, type StoreRead } from '../../src/system-store/store-listing.js';
import { isProcessScan } from '../../src/runtimes/scan.js';
import { isProbeWithTar, isProgramProbe } from '../../src/patch/probe-cache.js';
import { pack } from 'tar-stream';
import { streamToBuffer } from '../../src/docker/tar.js';
import { FakeClient, type FakeContainer } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { distroAndCorpCas } from '../support/pki.js';

/** A FakeClient that keeps every path read through the archive API, in order (stats send no content: not counted). */
class ReadCountingClient extends FakeClient {
  readonly reads: string[] = [];

  override getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    this.reads.push(path);
    return super.getArchive(id, path);
  }
}

// What a Go binary's first page holds: the ELF note named "Go" of type 4 (see go-binary.ts).
const GO_HEAD = 'ELF....\x04\x00\x00\x00Go\x00\x00build-id';

/** A container running /usr/bin/app (a Go program when `go`), whose /proc scan and `head` answer. */
function runningApp(container: FakeContainer, go: boolean, probes: string[]): void {
  container.write('/usr/bin/head', 'ELF');
  const fake = container.handler;
  container.handler = (argv, self, o) => {
    if (isProcessScan(argv))
      return {
        exitCode: 0,
        stdout:
          'btime 1700000000\n@ 1\nexe /usr/bin/app\ncmd /usr/bin/app serve\nstat 1 (app) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0\nuid 0\nenvok\n',
      };
    if (argv[0] === '/usr/bin/head') {
      probes.push(`${self.info.id} ${argv[argv.length - 1]}`);
      return { exitCode: 0, stdout: go ? GO_HEAD : 'ELF....plain' };
    }
    return fake(argv, self, o);
  };
}

/**
 * Answers the probe with the store's tar as a shell with /bin/tar would: a letter a path on
 * stderr, then the tar, and on stdout an archive of the store directories as they are now.
 */
async function answerProbeWithTar(container: FakeContainer, dirs: readonly string[]): Promise<void> {
  container.write('/bin/tar', 'ELF');
  const archive = pack();
  for (const dir of dirs) {
    archive.entry({ name: `${dir.slice(1)}/`, type: 'directory', mode: 0o755 });
    for (const [path, content] of container.files)
      if (path.startsWith(`${dir}/`)) archive.entry({ name: path.slice(1), mode: 0o644 }, content);
    for (const [path, target] of container.links)
      if (path.startsWith(`${dir}/`))
        archive.entry({ name: path.slice(1), type: 'symlink', linkname: target, mode: 0o777 });
  }
  archive.finalize();
  const bytes = await streamToBuffer(archive);
  const fake = container.handler;
  container.handler = (argv, self, o) => {
    if (!isProbeWithTar(argv)) return fake(argv, self, o);
    const letter = (p: string) => (self.links.has(p) ? 'l' : self.files.has(p) ? 'f' : '-');
    const answers = argv.slice(4, argv.indexOf(':')).map((p) => `${letter(p)}\n`);
    const asked = argv.slice(argv.indexOf(':') + 1).map((dir) => `/${dir}`);
    assert.deepEqual(asked, dirs, 'the store directories, as argv');
    return { exitCode: 0, stderr: `${answers.join('')}/bin/tar\n`, stdoutBytes: bytes };
  };
}

describe('engine work per container (fake engine)', () => {
  const cas = distroAndCorpCas();

  function context(client: FakeClient, checkUrls: string[] = []): PatchContext {
    const { certificates } = parseCertificates(Buffer.from(cas.corp.pem), 'cas.corp.pem');
    return {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
      options: { checkUrls, install: 'auto', timeoutMs: 5000 },
      goBinaries: new Map(),
    };
  }

  it('reads each trust store directory once before the patch and the bundle directory once after it, never a bundle on its own', async () => {
    const client = new ReadCountingClient();
    const container = client.add(
      fakeDebian('c1', [cas.distro.pem], { curl: (bundle) => bundle.includes(cas.corp.pem) }),
    );
    const ctx = context(client, ['https://127.0.0.1:8443/']);
    const first = await patchContainer(ctx, container.info);
    assert.equal(first.status, 'patched', JSON.stringify(first));
    const storeReads = client.reads.filter(
      (path) => path !== '/etc/os-release' && path !== '/usr/lib/os-release' && !path.startsWith('/var/lib/trustpatch'),
    );
    assert.deepEqual(storeReads, [ANCHORS, '/etc/ssl/certs', '/etc/ssl/certs']);
    assert.ok(!client.reads.includes(BUNDLE));

    client.reads.length = 0;
    container.execs.length = 0;
    const again = await patchContainer(ctx, container.info);
    assert.equal(again.status, 'already-trusted', JSON.stringify(again));
    assert.deepEqual(
      client.reads.filter((path) => !path.endsWith('os-release')),
      [ANCHORS, '/etc/ssl/certs'],
      'the anchor is compared from the directory read',
    );
    assert.deepEqual(
      container.execs.filter((argv) => !isProgramProbe(argv)).map((argv) => argv[0]),
      ['/usr/bin/curl'],
      'only the check runs, besides the read-only probe of programs',
    );
  });

  it('a rerun where the container has a shell and tar: one exec reads programs and store, then the check; no store read, no stat but the shell', async () => {
    const client = new ReadCountingClient();
    const container = client.add(
      fakeDebian('c1', [cas.distro.pem], { curl: (bundle) => bundle.includes(cas.corp.pem) }),
    );
    const ctx = context(client, ['https://127.0.0.1:8443/']);
    assert.equal((await patchContainer(ctx, container.info)).status, 'patched');
    await answerProbeWithTar(container, [ANCHORS, '/etc/ssl/certs']);
    client.reads.length = 0;
    container.execs.length = 0;
    let stats: string[] = [];
    const stat = client.stat.bind(client);
    client.stat = (id, path) => {
      stats.push(path);
      return stat(id, path);
    };
    const again = await patchContainer(ctx, container.info);
    assert.equal(again.status, 'already-trusted', JSON.stringify(again));
    assert.deepEqual(
      container.execs.map((argv) => (isProbeWithTar(argv) ? 'probe with tar' : argv[0])),
      ['probe with tar', '/usr/bin/curl'],
    );
    assert.deepEqual(
      client.reads.filter((path) => !path.endsWith('os-release')),
      [],
      'the store came from the exec',
    );
    stats = stats.filter((path) => path !== '/bin/sh');
    assert.deepEqual(stats, [], 'every program answered by the probe');
  });

  it('an anchor that differs from the certificate is not "already trusted", though the bundle holds it', async () => {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', [cas.distro.pem]));
    const ctx = context(client);
    assert.equal((await patchContainer(ctx, container.info)).status, 'patched');
    const anchor = [...container.files.keys()].find((path) => path.startsWith(`${ANCHORS}/`))!;
    container.write(anchor, cas.distro.pem);
    const again = await patchContainer(ctx, container.info);
    assert.equal(again.status, 'patched', JSON.stringify(again));
    assert.equal(container.read(anchor), cas.corp.pem);
  });

  it('probes an executable for Go once per image in a run, and again for another image', async () => {
    const client = new FakeClient();
    const probes: string[] = [];
    const containers = ['a', 'b', 'c'].map((id) => client.add(fakeDebian(id, [cas.distro.pem])));
    containers[1]!.info.imageId = containers[0]!.info.imageId;
    for (const container of containers) runningApp(container, true, probes);
    const ctx = context(client);
    for (const container of containers) {
      const result = await patchContainer(ctx, container.info);
      assert.equal(result.status, 'patched', JSON.stringify(result));
      assert.deepEqual(
        result.restartNeeded?.map((note) => note.runtime),
        ['go'],
        `${container.info.id}: the Go program needs a restart`,
      );
    }
    assert.deepEqual(probes, ['a /usr/bin/app', 'c /usr/bin/app']);
  });

  it('add --restart after an add without it restarts a container whose Go program still needs it, and only then', async () => {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', [cas.distro.pem]));
    runningApp(container, true, []);
    // After a restart the program's start time (btime + starttime ticks) is now.
    const scan = container.handler;
    container.handler = (argv, self, o) =>
      isProcessScan(argv) && self.restarts > 0
        ? {
            exitCode: 0,
            stdout: `btime ${Math.floor(Date.now() / 1000) + 1}\n@ 1\nexe /usr/bin/app\ncmd /usr/bin/app serve\nstat 1 (app) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0\nuid 0\nenvok\n`,
          }
        : scan(argv, self, o);
    const plain = context(client);
    const first = await patchContainer(plain, container.info);
    assert.deepEqual(
      [first.status, first.restartNeeded?.map((n) => n.runtime), container.restarts],
      ['patched', ['go'], 0],
    );
    const withRestart: PatchContext = { ...plain, options: { ...plain.options, restart: true } };
    const second = await patchContainer(withRestart, container.info);
    assert.deepEqual(
      [second.status, second.restarted, container.restarts, second.restartNeeded],
      ['already-trusted', true, 1, []],
      JSON.stringify(second),
    );
    const third = await patchContainer(withRestart, container.info);
    assert.deepEqual(
      [third.status, third.restarted === true, container.restarts],
      ['already-trusted', false, 1],
      'nothing needs it any more: no second restart',
    );
  });

  it('a Go probe that could not run is tried again in the next container of the image', async () => {
    const client = new FakeClient();
    const probes: string[] = [];
    const [a, b] = ['a', 'b'].map((id) => client.add(fakeDebian(id, [cas.distro.pem])));
    b!.info.imageId = a!.info.imageId;
    runningApp(a!, true, probes);
    runningApp(b!, true, probes);
    a!.files.delete('/usr/bin/head');
    const ctx = context(client);
    assert.deepEqual(
      (await patchContainer(ctx, a!.info)).restartNeeded?.map((note) => note.runtime),
      [],
    );
    assert.deepEqual(
      (await patchContainer(ctx, b!.info)).restartNeeded?.map((note) => note.runtime),
      ['go'],
    );
    assert.deepEqual(probes, ['b /usr/bin/app']);
  });
});

describe('files in a store read', () => {
  const entry = (type: ArchiveEntry['type'], content = '', linkTarget?: string): ArchiveEntry => ({
    name: 'x',
    type,
    content: Buffer.from(content),
    linkTarget,
    mode: 0o644,
  });
  const read: StoreRead = {
    dirs: ['/etc/ssl', '/usr/local/share/ca-certificates'],
    entries: new Map([
      ['/etc/ssl', entry('directory')],
      ['/etc/ssl/certs', entry('directory')],
      ['/etc/ssl/certs/ca-certificates.crt', entry('file', 'bundle')],
      ['/etc/ssl/cert.pem', entry('symlink', '', 'certs/ca-certificates.crt')],
      ['/etc/ssl/elsewhere.pem', entry('symlink', '', '/var/lib/bundle.pem')],
      ['/etc/ssl/linked', entry('symlink', '', '/var/lib/pem')],
      ['/etc/ssl/hard.pem', entry('other')],
    ]),
  };

  it('follows links inside the read (Alpine: /etc/ssl/cert.pem -> certs/ca-certificates.crt)', () => {
    assert.deepEqual(fileIn(read, '/etc/ssl/cert.pem'), {
      realPath: '/etc/ssl/certs/ca-certificates.crt',
      content: Buffer.from('bundle'),
    });
  });

  it('a file missing from a directory the read listed is missing', () => {
    assert.equal(fileIn(read, '/etc/ssl/certs/none.crt'), undefined);
    assert.equal(
      fileIn(read, '/usr/local/share/ca-certificates/corp.crt'),
      undefined,
      'the directory does not exist at all',
    );
  });

  it('cannot tell about a file outside the read, under a linked directory, or hard-linked', () => {
    assert.equal(fileIn(read, '/etc/ssl/elsewhere.pem'), 'unknown');
    assert.equal(fileIn(read, '/etc/ssl/linked/bundle.pem'), 'unknown');
    assert.equal(fileIn(read, '/etc/ssl/hard.pem'), 'unknown');
    assert.equal(fileIn(read, '/etc/pki/tls/cert.pem'), 'unknown');
  });
});
