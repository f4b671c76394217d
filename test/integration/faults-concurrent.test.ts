import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, waitFor, type CliResult } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { DEBIAN_BUNDLE, fileBytes } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

const UPDATE = '/usr/sbin/update-ca-certificates';

/** bin/trustpatch started in the background, its stderr readable while it runs. */
function start(args: string[]): {
  pid: number;
  stderr: () => string;
  done: Promise<
    CliResult & {
      json: { containers: { status: string; error: string | null; rollback: string | null; warnings: string[] }[] };
    }
  >;
} {
  const child = spawn(BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRUSTPATCH_CHECK_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult & { json: never }>((resolve) =>
    child.on('close', (code) =>
      resolve({ stdout, stderr, code: code ?? -1, json: JSON.parse(stdout || 'null') as never }),
    ),
  );
  return { pid: child.pid!, stderr: () => stderr, done };
}

/**
 * Two trustpatch runs patch the same container at once. The overlap is made certain, not
 * timed: the first run's update command waits for a file the test creates once the second run
 * says it is waiting. The second waits for the first (host-side lock), or gives up cleanly
 * when its time runs out; a run killed while holding the lock is finished by the next. The
 * bundle never holds the CA twice and never loses a certificate.
 */
describe('faults: two runs patch the same container at once', function () {
  const fx = caFixture('Concurrent Root');
  this.timeout(600_000);
  const started: string[] = [];
  after(async () => {
    await removeContainers(started);
  });

  /** A container whose update command signals it started, then waits for /tmp/go. */
  async function gated(): Promise<{ id: string; certificates: number }> {
    const id = await startContainer(testImage('debian-curl'));
    started.push(id);
    await execIn(id, ['mv', UPDATE, `${UPDATE}.real`]);
    const script = `#!/bin/sh\ntouch /tmp/update-started\nwhile [ ! -e /tmp/go ]; do sleep 0.2; done\nexec ${UPDATE}.real "$@"\n`;
    await execIn(id, ['sh', '-c', 'printf "%s" "$1" > "$2" && chmod 755 "$2"', 'sh', script, UPDATE]);
    return { id, certificates: await count(id) };
  }

  async function count(id: string): Promise<number> {
    return ((await fileBytes(id, DEBIAN_BUNDLE))!.toString('latin1').match(/-----BEGIN CERTIFICATE-----/g) ?? [])
      .length;
  }

  async function bundleHoldsOnce(id: string, before: number): Promise<void> {
    const bundle = (await fileBytes(id, DEBIAN_BUNDLE))!.toString('latin1');
    assert.equal(bundle.split(fx.ca.pem.trim()).length - 1, 1, 'the CA is in the bundle exactly once');
    assert.equal(await count(id), before + 1, 'no certificate lost, one added');
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
  }

  const add = (id: string, extra: string[] = []) =>
    start(['add', fx.ca.certPath, id, '--check-url', fx.server.url, '--json', ...extra]);
  const updateStarted = (id: string) =>
    waitFor(
      'the first run to reach its update',
      async () => (await execIn(id, ['test', '-e', '/tmp/update-started'])).code === 0,
      120_000,
    );

  it('the second run waits for the first, then finds the CA already trusted', async () => {
    const { id, certificates } = await gated();
    const first = add(id);
    await updateStarted(id);
    const second = add(id);
    await waitFor(
      'the second run to say it waits',
      async () => second.stderr().includes(`waiting for another trustpatch run (pid ${first.pid} on `),
      120_000,
    );
    await execIn(id, ['touch', '/tmp/go']);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.json.containers[0]!.status, 'patched');
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.json.containers[0]!.status, 'already-trusted');
    await bundleHoldsOnce(id, certificates);
  });

  it('a second run whose time runs out while waiting fails cleanly, naming the run that holds the lock, and changes nothing', async () => {
    const { id, certificates } = await gated();
    const first = add(id);
    await updateStarted(id);
    const second = await add(id, ['--timeout', '4']).done;
    assert.equal(second.code, 1);
    const row = second.json.containers[0]!;
    assert.equal(row.status, 'failed');
    assert.match(
      row.error!,
      new RegExp(
        `^another trustpatch run \\(pid ${first.pid} on .*\\) is patching this container; run again once it has finished`,
      ),
    );
    assert.equal(row.rollback, 'not-needed');
    await execIn(id, ['touch', '/tmp/go']);
    const a = await first.done;
    assert.equal(a.json.containers[0]!.status, 'patched');
    await bundleHoldsOnce(id, certificates);
  });

  it('a run killed while it holds the lock: the next one breaks the stale lock and patches in full', async () => {
    const { id, certificates } = await gated();
    const first = add(id);
    await updateStarted(id);
    process.kill(first.pid, 'SIGKILL');
    await first.done;
    // The killed run left its anchor written; its update still waits inside.
    assert.match(
      (await execIn(id, ['ls', '/usr/local/share/ca-certificates'])).stdout,
      /^Concurrent_Root-[0-9a-f]{8}\.crt$/m,
    );
    await execIn(id, ['mv', `${UPDATE}.real`, UPDATE]);
    const next = await add(id).done;
    const row = next.json.containers[0]!;
    assert.equal(row.status, 'patched', JSON.stringify(row));
    assert.match(
      row.warnings.join('\n'),
      new RegExp(`an earlier run did not finish \\(pid ${first.pid} on .* stopped without releasing its lock\\)`),
    );
    await bundleHoldsOnce(id, certificates);
    assert.equal(
      (await execIn(id, ['sh', '-c', `ls /etc/ssl/certs | grep -c '^Concurrent_Root-'`])).stdout.trim(),
      '1',
      'the update ran: the CA has its link',
    );
  });
});
