import assert from 'node:assert/strict';
import { docker, execIn, testImage } from '../support/containers.js';
import { runJson, trustpatch, waitFor } from '../support/cli.js';
import type { AddDoc, StatusDoc } from '../support/json-docs.js';
import { caFixture } from '../support/fixture.js';

const BUNDLED = ['node', '--use-bundled-ca', '-e', 'setInterval(() => {}, 1 << 30)'];
const NODE_GET =
  "require('https').get(process.argv[1], (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => { console.error(e.code); process.exit(1); })";
const ANCHOR = '/usr/local/share/ca-certificates/node-root.crt';

describe('Node.js processes (Debian nodejs 18): restart needed, with the exact variable', function () {
  const fx = caFixture('Node Test Root');
  after(async () => {});

  it('a Node.js on its bundled store (as official builds) needs a restart with NODE_EXTRA_CA_CERTS; one on the system store (Debian default) sees the CA at once; a fresh curl trusts it', async () => {
    const id = await fx.start(testImage('debian-node'), { command: BUNDLED });
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 60);
    // Debian's nodejs uses OpenSSL's default store: this one asks the server every 200 ms and logs what it got.
    await docker([
      'exec',
      '-d',
      id,
      'node',
      '-e',
      `setInterval(() => require('https').get(process.argv[1], { agent: false }, (r) => require('fs').appendFileSync('/tmp/log', r.statusCode + '\\n')).on('error', (e) => require('fs').appendFileSync('/tmp/log', e.code + '\\n')), 200)`,
      fx.server.url,
    ]);
    await waitFor('the system-store Node.js to log a rejection', async () =>
      /UNABLE|SELF_SIGNED/.test((await execIn(id, ['cat', '/tmp/log'])).stdout),
    );

    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--name', 'node-root', '--check-url', fx.server.url]);
    const patchedAt = Date.now(); // after the record's addedAt
    assert.equal(add.code, 0, add.output);
    const notes = add.doc.containers[0]!.restartNeeded;
    assert.deepEqual(
      notes.map((n) => [n.pid, n.runtime, n.command]),
      [[1, 'node', BUNDLED.join(' ')]],
      add.output,
    );
    assert.match(notes[0]!.advice, new RegExp(`restart needed, with NODE_EXTRA_CA_CERTS=${ANCHOR} in its environment`));
    assert.equal(
      (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code,
      0,
      'a fresh curl trusts the server',
    );
    await waitFor('the running system-store Node.js to get a 200 without a restart', async () =>
      /^200$/m.test((await execIn(id, ['cat', '/tmp/log'])).stdout),
    );

    // The advice is right: a bundled-store Node.js still rejects the server; with the variable it trusts it.
    assert.match(
      (await execIn(id, ['node', '--use-bundled-ca', '-e', NODE_GET, fx.server.url])).stderr,
      /UNABLE_TO|SELF_SIGNED/,
    );
    const withVariable = await docker(
      ['exec', '--env', `NODE_EXTRA_CA_CERTS=${ANCHOR}`, id, 'node', '--use-bundled-ca', '-e', NODE_GET, fx.server.url],
      { allowFailure: true },
    );
    assert.equal(withVariable.code, 0, withVariable.stderr);

    // One started after the patch with the variable set sees the CA: status lists only pid 1.
    // Start times are known to the second (the kernel gives its boot time in whole seconds), so
    // the late one starts more than a second after the patch was recorded.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, patchedAt + 1_100 - Date.now())));
    await docker(['exec', '-d', '--env', `NODE_EXTRA_CA_CERTS=${ANCHOR}`, id, ...BUNDLED, 'late']);
    await waitFor('the late Node.js to run', async () =>
      (await execIn(id, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "'])).stdout.includes('late'),
    );
    const status = await runJson<StatusDoc>(['status', id]);
    assert.equal(status.code, 0, status.output);
    assert.deepEqual(
      status.doc.containers[0]!.restartNeeded.map((n) => n.pid),
      [1],
      status.output,
    );
  });

  it('--restart restarts the container and says its changes survive a restart but not a recreate', async () => {
    const id = await fx.start(testImage('debian-node'), { command: BUNDLED });
    const started = (await docker(['inspect', '-f', '{{.State.StartedAt}}', id])).stdout.trim();
    const add = await trustpatch(['add', fx.ca.certPath, id, '--name', 'node-root', '--restart']);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    assert.match(add.stdout, /restarted; its runtime changes survive a restart but not a recreate/);
    assert.match(add.stdout, /trustpatch dockerfile .* --family debian/, 'the report points at the permanent fix once');
    assert.notEqual(
      (await docker(['inspect', '-f', '{{.State.StartedAt}}', id])).stdout.trim(),
      started,
      'the engine restarted it',
    );
    assert.equal(
      (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code,
      0,
      'the patch survived the restart',
    );
    // Node.js still needs the variable: a restart does not change the environment.
    assert.match(add.stdout, /pid 1 node .*NODE_EXTRA_CA_CERTS=\/usr\/local\/share\/ca-certificates\/node-root\.crt/);
  });
});
