import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTrustpatch, trustpatch } from '../support/cli.js';
import { docker, SESSION_ID, SESSION_LABEL, testImage } from '../support/containers.js';
import { TEST_ENGINE } from '../support/engine.js';
import {
  buildNonrootImage,
  CA_LABEL,
  imageConfig,
  imageExists,
  NONROOT_IMAGE,
  removeImages,
  startDualStackServer,
  temporaryContainers,
} from '../support/images.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { bundleFingerprints, copyOut } from '../support/trust-checks.js';
import { caFixture } from '../support/fixture.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * A run of an image as a user would: host network (the server is on this machine's loopback),
 * its own user and command. Not `docker run --rm`: through Podman 4.3's API that reports 0
 * whatever the container's exit status; `docker wait` reports it on both engines.
 */
async function runFrom(
  image: string,
  args: string[] = [],
  env: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const flags = [
    'run',
    '-d',
    '--pull',
    'never',
    '--network',
    'host',
    '--label',
    `${SESSION_LABEL}=${SESSION_ID}`,
    ...env.flatMap((e) => ['--env', e]),
  ];
  const id = (await docker([...flags, image, ...args])).stdout.trim();
  try {
    const code = Number((await docker(['wait', id])).stdout.trim());
    const logs = await docker(['logs', id], { allowFailure: true });
    return { code, stdout: logs.stdout, stderr: logs.stderr };
  } finally {
    await docker(['rm', '-f', '-v', id], { allowFailure: true });
  }
}

/** The bundle of an image, read from a created (never started) container of it with docker cp. */
async function bundleOf(image: string): Promise<string[]> {
  const id = (
    await docker(['create', '--pull', 'never', '--label', `${SESSION_LABEL}=${SESSION_ID}`, image, '/nothing'])
  ).stdout.trim();
  try {
    return await bundleFingerprints((await copyOut(id, BUNDLE)) ?? '');
  } finally {
    await docker(['rm', '-f', '-v', id], { allowFailure: true });
  }
}

/** NEW's Config equals IMAGE's, field by field, except the one label naming `fingerprints`. */
async function assertSameConfig(image: string, created: string, fingerprints: readonly string[]): Promise<void> {
  const before = (await imageConfig(image)).config;
  const after = (await imageConfig(created)).config;
  const expected: Record<string, unknown> = {
    ...before,
    Labels: { ...((before.Labels as object | undefined) ?? {}), [CA_LABEL]: fingerprints.join(',') },
  };
  for (const key of new Set([...Object.keys(expected), ...Object.keys(after)]))
    assert.deepEqual(after[key], expected[key], `Config.${key} of ${created}`);
}

describe(`trustpatch image add and image status on real images (${TEST_ENGINE})`, function () {
  const fx = caFixture('Image Add Root', { server: false });
  let other: TestCa;
  let server: { url: string; close(): Promise<void> };
  let fingerprint: string;
  const created: string[] = [];

  before(async () => {
    other = await makeCa('Image Add Unrelated Root');
    server = await startDualStackServer(await makeServerCert(fx.ca));
    fingerprint = await opensslFingerprint(fx.ca.certPath);
    await buildNonrootImage();
  });
  after(async () => {
    await removeImages([...created, NONROOT_IMAGE]);
    await server?.close();
    if (other) await removeCa(other);
  });
  afterEach(async () => {
    await removeImages(created.splice(0));
  });

  /** image add, then the checks every image gets: IMAGE unchanged, no temporary container, the config, status. */
  async function addAndVerify(image: string, tag: string, extra: string[]): Promise<string> {
    created.push(tag);
    const before = await imageConfig(image);
    const run = await trustpatch(['image', 'add', fx.ca.certPath, image, '--tag', tag, '--json', ...extra]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as {
      written: { id: string; layerBytes: number };
      family: string;
      method: string;
      started: boolean;
    };
    const after = await imageConfig(tag);
    assert.equal(report.written.id, after.id, 'the report names the new image');
    assert.ok(report.written.layerBytes > 0, 'the added layer has a size');
    assert.equal((await imageConfig(image)).id, before.id, 'IMAGE keeps its id');
    assert.deepEqual(await temporaryContainers(), [], 'no temporary container is left');
    await assertSameConfig(image, tag, [fingerprint]);
    const status = await trustpatch(['image', 'status', tag, '--json']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const cas = (JSON.parse(status.stdout) as { cas: { fingerprint: string; labelled: boolean; present: boolean }[] })
      .cas;
    assert.deepEqual(
      cas.map((c) => [c.fingerprint, c.labelled, c.present]),
      [[fingerprint, true, true]],
      'image status names the CA',
    );
    assert.equal((await bundleOf(tag)).filter((f) => f === fingerprint).length, 1, "the CA is in NEW's bundle once");
    return JSON.stringify(report);
  }

  it('a non-root image with an entrypoint and a healthcheck: NEW, run with its own command and user, trusts the server; IMAGE does not', async () => {
    const tag = 'trustpatch-test/i18-nonroot-new:1';
    const report = await addAndVerify(NONROOT_IMAGE, tag, ['--check-url', server.url, '--network', 'host']);
    assert.match(report, /"family":"debian","method":"update-command","status":"patched"/);
    assert.equal(
      (await runFrom(NONROOT_IMAGE, [], [`CHECK_URL=${server.url}`])).code,
      60,
      'IMAGE still refuses the server (curl 60)',
    );
    const trusted = await runFrom(tag, [], [`CHECK_URL=${server.url}`]);
    assert.equal(trusted.code, 0, `NEW's own entrypoint (curl as user 65534) trusts the server: ${trusted.stderr}`);
  });

  it('Debian with curl: curl in a container of NEW trusts the server; the status of IMAGE names no CA', async () => {
    const tag = 'trustpatch-test/i18-debian-curl-new:1';
    await addAndVerify(testImage('debian-curl'), tag, ['--check-url', server.url, '--network', 'host']);
    assert.equal((await runFrom(tag, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', server.url])).code, 0);
    const clean = await trustpatch(['image', 'status', testImage('debian-curl')]);
    assert.equal(clean.code, 1, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /no trustpatch CA/);
  });

  it('a failed check writes no image and leaves no temporary container', async () => {
    const tag = 'trustpatch-test/i18-refused:1';
    created.push(tag);
    const run = await trustpatch([
      'image',
      'add',
      other.certPath,
      testImage('debian-curl'),
      '--tag',
      tag,
      '--check-url',
      server.url,
      '--network',
      'host',
    ]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /the check still fails after the patch/);
    assert.match(run.stdout, /no image was written/);
    assert.equal(await imageExists(tag), false, 'no image was written');
    assert.deepEqual(await temporaryContainers(), []);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during the patch removes the temporary container and writes no image (exit 130)`, async () => {
      const tag = `trustpatch-test/i18-interrupted-${signal.toLowerCase()}:1`;
      created.push(tag);
      const child = startTrustpatch([
        'image',
        'add',
        fx.ca.certPath,
        testImage('debian-curl'),
        '--tag',
        tag,
        '--check-url',
        server.url,
        '--network',
        'host',
      ]);
      let seen: string[] = [];
      for (let attempt = 0; attempt < 200 && seen.length === 0; attempt += 1) {
        seen = await temporaryContainers();
        if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(seen.length, 1, 'the temporary container was seen while image add ran');
      child.signal(signal);
      const done = await child.done;
      assert.equal(done.code, 130, done.stdout + done.stderr);
      assert.deepEqual(await temporaryContainers(), [], 'the temporary container is gone');
      assert.equal(await imageExists(tag), false);
    });
  }

  it("refuses IMAGE's own tag without --force, before anything is made", async () => {
    const before = await imageConfig(testImage('debian-curl'));
    const run = await trustpatch([
      'image',
      'add',
      fx.ca.certPath,
      testImage('debian-curl'),
      '--tag',
      testImage('debian-curl'),
    ]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /already exists, which is .* itself: give another --tag, or --force/);
    assert.equal((await imageConfig(testImage('debian-curl'))).id, before.id);
    assert.deepEqual(await temporaryContainers(), []);
  });

  it('several CAs at once: the label and the status name both', async () => {
    const tag = 'trustpatch-test/i18-two:1';
    created.push(tag);
    const both = join(fx.ca.dir, 'both.pem');
    await writeFile(both, fx.ca.pem + other.pem);
    const run = await trustpatch(['image', 'add', both, testImage('debian-curl'), '--tag', tag]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const fingerprints = [fingerprint, await opensslFingerprint(other.certPath)];
    await assertSameConfig(testImage('debian-curl'), tag, fingerprints);
    const status = await trustpatch(['image', 'status', tag, '--json']);
    assert.deepEqual(
      (JSON.parse(status.stdout) as { cas: { fingerprint: string }[] }).cas.map((c) => c.fingerprint).sort(),
      [...fingerprints].sort(),
    );
    const bundle = await bundleOf(tag);
    for (const f of fingerprints) assert.equal(bundle.filter((x) => x === f).length, 1);
  });

  if (TEST_ENGINE === 'docker') {
    it('Debian without ca-certificates: the package is installed from Debian in the temporary container', async () => {
      const report = await addAndVerify(testImage('debian-min'), 'trustpatch-test/i18-debian-min-new:1', []);
      assert.match(report, /"family":"debian","method":"update-command"/);
    });

    it('Alpine (--install never): busybox wget in a container of NEW trusts the server', async () => {
      const tag = 'trustpatch-test/i18-alpine-new:1';
      await addAndVerify(testImage('alpine'), tag, [
        '--install',
        'never',
        '--check-url',
        server.url,
        '--network',
        'host',
      ]);
      assert.notEqual(
        (await runFrom(testImage('alpine'), ['wget', '-q', '-O', '/dev/null', '-T', '10', server.url])).code,
        0,
        'IMAGE refuses the server',
      );
      const trusted = await runFrom(tag, ['wget', '-q', '-O', '/dev/null', '-T', '10', server.url]);
      assert.equal(trusted.code, 0, trusted.stderr);
    });

    it('BusyBox (no family, no bundle): NEW holds a bundle with the CA', async () => {
      const report = await addAndVerify(testImage('busybox'), 'trustpatch-test/i18-busybox-new:1', []);
      assert.match(report, /"family":"generic","method":"archive-only"/);
    });

    it('no shell: the temporary container is never started (archive-only path, said so); NEW runs its own /pause', async () => {
      const tag = 'trustpatch-test/i18-noshell-new:1';
      const report = await addAndVerify(testImage('noshell'), tag, ['--check-url', server.url]);
      assert.match(report, /"started":false/);
      assert.match(report, /"method":"archive-only"/);
      // --force moves the tag to a new image; the one it leaves untagged is this test's to remove.
      const replaced = (await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim();
      const plain = await trustpatch(['image', 'add', fx.ca.certPath, testImage('noshell'), '--tag', tag, '--force']);
      assert.match(plain.stdout, /has no sleep: its temporary container was never started/);
      created.push(replaced);
      const id = (
        await docker(['run', '-d', '--pull', 'never', '--label', `${SESSION_LABEL}=${SESSION_ID}`, tag])
      ).stdout.trim();
      try {
        const state = (
          await docker(['inspect', '--format', '{{.State.Running}} {{json .Config.Cmd}}', id])
        ).stdout.trim();
        assert.equal(state, 'true ["/pause"]', "NEW's own command runs");
      } finally {
        await docker(['rm', '-f', '-v', id], { allowFailure: true });
      }
    });
  }
});
