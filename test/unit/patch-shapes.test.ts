import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificates } from '../../src/cert/load.js';
import { runAdd } from '../../src/commands/add/run.js';
import { alpine, debian, generic } from '../../src/distro/families.js';
import { isProgramProbe } from '../../src/patch/probe-cache.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDistro } from '../support/fake-distro.js';
import { distroAndCorpCas } from '../support/pki.js';
import { isProcessScan } from '../../src/runtimes/scan.js';

const URL_IP = 'https://127.0.0.1:8443/';
const MAIN = '/etc/ssl/certs/ca-certificates.crt';
const ANCHOR = '/usr/local/share/ca-certificates/Corp.crt';

describe('container shapes (fake engine)', () => {
  const cas = distroAndCorpCas();

  function context(client: FakeClient, options: Partial<PatchContext['options']> = {}): PatchContext {
    const [certificate] = parseCertificates(Buffer.from(cas.corp.pem), 'cas.corp.pem').certificates;
    return {
      client,
      certificates: [{ certificate: certificate!, name: 'Corp' }],
      options: { checkUrls: [URL_IP], install: 'auto', timeoutMs: 1000, ...options },
    };
  }
  const trusts = (bundle: string) => bundle.includes(cas.corp.pem);
  const failedReason = (r: { status: string; reason?: string }) => (r.status === 'failed' ? (r.reason ?? '') : '');

  it('no shell, no rm, no package manager (distroless-like, os-release says debian): archive API only, nothing run', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        update: false,
        packageManager: false,
        shell: false,
        rm: false,
      }),
    );
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'archive-only');
    assert.equal(c.read(MAIN), cas.distro.pem + cas.corp.pem);
    assert.equal(c.read(ANCHOR), cas.corp.pem, 'the anchor is kept for a later update');
    assert.deepEqual(
      c.execs.filter((argv) => !isProcessScan(argv)),
      [],
      'nothing can run in it, nothing was tried',
    );
    assert.deepEqual(
      result.check.after.map((x) => [x.ok, x.verifiedBy]),
      [[false, 'bundle']],
    );
    assert.match(result.warnings.join('\n'), /no package manager in the container \(looked for \/usr\/bin\/apt-get\)/);
  });

  it('BusyBox without os-release or bundle: a bundle holding the CA is created, and the report says so', async () => {
    const client = new FakeClient();
    const c = client.add(fakeDistro('c1', generic, { bundle: false }));
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.family, 'generic');
    assert.equal(c.read(MAIN), cas.corp.pem);
    assert.match(
      result.warnings.join('\n'),
      /there was no CA bundle: created \/etc\/ssl\/certs\/ca-certificates.crt holding only this CA/,
    );
  });

  it('Alpine whose apk fails: one warning line, the linked bundle appended once, wget trusts the server', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', alpine, {
        osRelease: 'ID=alpine\n',
        distroPems: [cas.distro.pem],
        update: false,
        links: { '/etc/ssl/cert.pem': 'certs/ca-certificates.crt' },
        clients: { '/usr/bin/wget': trusts },
      }),
    );
    const fake = c.handler;
    c.handler = (argv, self, o) =>
      argv[0] === '/sbin/apk'
        ? { exitCode: 1, stderr: 'ERROR: unable to select packages:\n  ca-certificates (no such package)\n' }
        : fake(argv, self, o);
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'archive-only');
    assert.deepEqual(result.warnings, [
      'installing ca-certificates failed: `/sbin/apk add --no-cache ca-certificates` exited with 1: ERROR: unable to select packages:; carrying on without it',
    ]);
    assert.equal(c.read(MAIN), cas.distro.pem + cas.corp.pem, 'appended once although two bundle paths lead to it');
    assert.deepEqual(
      result.check.before.map((x) => x.ok),
      [false],
    );
    assert.deepEqual(
      result.check.after.map((x) => [x.ok, x.tool, x.verifiedBy]),
      [[true, 'wget', 'tls']],
    );
    assert.equal(c.read(ANCHOR), cas.corp.pem);
  });

  it('an install that hangs is cut at the timeout, said so, and the patch carries on', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        update: false,
        clients: { '/usr/bin/curl': trusts },
      }),
    );
    const fake = c.handler;
    c.handler = (argv, self, o) =>
      argv[0] === '/usr/bin/apt-get' ? { exitCode: -1, timedOut: true } : fake(argv, self, o);
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.match(
      result.warnings[0]!,
      /`\/usr\/bin\/apt-get update -qq` timed out after 1s \(it may still be running in the container\); carrying on without it/,
    );
    assert.deepEqual(
      result.check.after.map((x) => x.ok),
      [true],
    );
  });

  it('runs the update as user 0 and the check as the container user (non-root image)', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        clients: { '/usr/bin/curl': trusts },
      }),
    );
    c.info = { ...c.info, user: '65534:65534' };
    const users: Record<string, string | undefined> = {};
    const fake = c.handler;
    c.handler = (argv, self, o) => {
      if (!isProcessScan(argv) && !isProgramProbe(argv)) users[argv[0]!] = o.user;
      return fake(argv, self, o);
    };
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched');
    assert.deepEqual(users, { '/usr/bin/curl': '65534:65534', '/usr/sbin/update-ca-certificates': '0' });
  });

  it('a failed after-check on the archive-only path restores the bundle and never writes the anchor', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        update: false,
        packageManager: false,
        rm: false,
        clients: { '/usr/bin/curl': () => false },
      }),
    );
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.rollback, 'done');
    assert.equal(c.read(MAIN), cas.distro.pem, 'byte-identical to before');
    assert.equal(c.files.has(ANCHOR), false);
  });

  it('a container that stops half-way fails with that reason and gets its bundle back; the others go on', async () => {
    const client = new FakeClient();
    const dying = client.add(fakeDistro('c1', debian, { osRelease: 'ID=debian\n', distroPems: [cas.distro.pem] }));
    dying.handler = (argv, self) => {
      if (argv[0] !== '/usr/sbin/update-ca-certificates') return undefined;
      self.info = { ...self.info, running: false, state: 'exited' };
      throw new Error('(HTTP code 409) container is not running');
    };
    const healthy = client.add(fakeDistro('c2', debian, { osRelease: 'ID=debian\n', distroPems: [cas.distro.pem] }));
    // The stopped container's run is left `unfinished` in the lock directory on purpose: a private one.
    const lockDir = await mkdtemp(join(tmpdir(), 'trustpatch-locks-test-'));
    const report = await runAdd({
      certificate: cas.corp.certPath,
      selector: { names: ['c1', 'c2'], labels: [], filters: [], all: false },
      name: 'Corp',
      client,
      lockDir,
    }).finally(() => rm(lockDir, { recursive: true, force: true }));
    const [first, second] = report.results;
    assert.equal(first!.status, 'failed');
    assert.match(failedReason(first!), /^the container stopped \(exited\) during the patch/);
    assert.equal(
      dying.read(MAIN),
      cas.distro.pem,
      'restored through the archive API, which works on a stopped container',
    );
    assert.equal(second!.status, 'patched');
    assert.ok(healthy.read(MAIN)!.includes(cas.corp.pem));
  });

  it('programs built for another platform (exec format error): reported, patched through the archive API', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        clients: { '/usr/bin/curl': trusts },
      }),
    );
    c.info = { ...c.info, platform: 'linux/arm64' };
    c.handler = () => ({
      exitCode: 126,
      stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec format error: unknown',
    });
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'archive-only');
    assert.match(
      result.warnings.join('\n'),
      /update-ca-certificates cannot run on this engine \(exec format error; container platform linux\/arm64\)/,
    );
    assert.deepEqual(
      result.check.after.map((x) => x.verifiedBy),
      ['bundle'],
    );
    assert.ok(c.read(MAIN)!.includes(cas.corp.pem));
  });

  it('an update command whose interpreter is missing (no /bin/sh): a warning, then the archive-only result', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, { osRelease: 'ID=debian\n', distroPems: [cas.distro.pem], shell: false }),
    );
    c.handler = (argv) =>
      argv[0] === '/usr/sbin/update-ca-certificates'
        ? {
            exitCode: 127,
            stderr:
              'OCI runtime exec failed: exec failed: unable to start container process: exec: "/usr/sbin/update-ca-certificates": no such file or directory: unknown',
          }
        : undefined;
    const result = await patchContainer(context(client), c.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.equal(result.method, 'archive-only');
    assert.match(
      result.warnings.join('\n'),
      /update-ca-certificates could not be started \(not found: the program, or its interpreter such as \/bin\/sh, is missing\)/,
    );
    assert.equal(c.read(MAIN), cas.distro.pem + cas.corp.pem);
    assert.equal(c.read(ANCHOR), cas.corp.pem);
  });
});
