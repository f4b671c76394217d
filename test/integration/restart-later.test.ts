import assert from 'node:assert/strict';
import { docker, execIn, testImage } from '../support/containers.js';
import { runJson, waitFor } from '../support/cli.js';
import type { AddDoc } from '../support/json-docs.js';
import { caFixture } from '../support/fixture.js';

// A JVM that only sleeps: it read its keystore at start, so it needs a restart to see a new CA.
const JVM = [
  'sh',
  '-c',
  'printf "class S { public static void main(String[] a) throws Exception { Thread.sleep(1L << 40); } }" > /tmp/S.java && exec java /tmp/S.java',
];

describe('add --restart after an add without it (Debian JRE)', function () {
  const fx = caFixture('Restart Later Root', { server: false });
  after(async () => {});

  const startedAt = async (id: string) => (await docker(['inspect', '-f', '{{.State.StartedAt}}', id])).stdout.trim();

  it('restarts the container whose JVM still needs it, says so, and does not restart it again', async () => {
    const id = await fx.start(testImage('debian-jre'), { command: JVM });
    await waitFor('the JVM to run', async () => /java/.test((await execIn(id, ['cat', '/proc/1/cmdline'])).stdout));
    const first = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--no-check']);
    assert.equal(first.code, 0, first.output);
    assert.deepEqual(
      first.doc.containers[0]!.restartNeeded.map((n) => [n.pid, n.runtime]),
      [[1, 'java']],
      first.output,
    );
    const before = await startedAt(id);

    const second = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--no-check', '--restart']);
    assert.equal(second.code, 0, second.output);
    const c = second.doc.containers[0]!;
    assert.deepEqual([c.status, c.restarted], ['already-trusted', true], second.output);
    const restartedAt = await startedAt(id);
    assert.notEqual(restartedAt, before, 'the engine restarted it');
    await waitFor('the JVM to run again', async () =>
      /java/.test((await execIn(id, ['cat', '/proc/1/cmdline'])).stdout),
    );
    assert.deepEqual(c.restartNeeded, [], 'the new JVM read the new trust');

    const third = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--no-check', '--restart']);
    assert.deepEqual(
      [third.doc.containers[0]!.status, third.doc.containers[0]!.restarted],
      ['already-trusted', false],
      third.output,
    );
    assert.equal(await startedAt(id), restartedAt, 'not restarted again');
  });
});
