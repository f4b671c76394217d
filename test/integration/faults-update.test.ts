import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { DEBIAN_BUNDLE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

const UPDATE = '/usr/sbin/update-ca-certificates';

/** Puts `script` in place of the update command, keeping the real one at UPDATE.real. */
async function replaceUpdate(id: string, script: string): Promise<void> {
  assert.equal((await execIn(id, ['mv', UPDATE, `${UPDATE}.real`])).code, 0);
  const written = await execIn(id, [
    'sh',
    '-c',
    'printf "%s" "$1" > "$2" && chmod 755 "$2"',
    'sh',
    `#!/bin/sh\n${script}\n`,
    UPDATE,
  ]);
  assert.equal(written.code, 0, written.stderr);
}

interface Row {
  status: string;
  error: string | null;
  rollback: string | null;
  warnings: string[];
}

/**
 * The update command fails, hangs past --timeout, or leaves a bundle with fewer certificates:
 * each time the container must end exactly as before (bundle byte for byte, every entry of
 * /etc/ssl and the anchor directory), the report must say "rolled back", and curl inside must
 * still refuse the fx.server, as it did before.
 */
describe('faults of the update command', function () {
  const fx = caFixture('Update Fault Root');
  this.timeout(600_000);
  const started: string[] = [];
  after(async () => {
    await removeContainers(started);
  });

  async function faulty(
    script: string,
    extra: string[] = [],
  ): Promise<{ id: string; row: Row; code: number; unchanged: () => Promise<void> }> {
    const id = await startContainer(testImage('debian-curl'));
    started.push(id);
    await replaceUpdate(id, script);
    const before = await snapshotStore(id);
    const bundle = await fileBytes(id, DEBIAN_BUNDLE);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url, '--json', ...extra]);
    const row = JSON.parse(result.stdout).containers[0] as Row;
    const unchanged = async () => {
      assert.ok((await fileBytes(id, DEBIAN_BUNDLE))!.equals(bundle!), 'the bundle is byte-identical to the snapshot');
      assert.deepEqual(
        storeDifferences(before, await snapshotStore(id)),
        [],
        'every entry of the trust store is as before',
      );
      assert.equal(
        (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code,
        60,
        'curl still refuses the fx.server, as before',
      );
    };
    return { id, row, code: result.code, unchanged };
  }

  it('fails outright (exit 1): rolled back, exactly as before', async () => {
    const { row, code, unchanged } = await faulty('echo "E: broken configuration" >&2\nexit 1');
    assert.equal(code, 1);
    assert.equal(row.status, 'failed');
    assert.match(row.error!, /^`\/usr\/sbin\/update-ca-certificates` exited with 1: E: broken configuration/);
    assert.equal(row.rollback, 'done', row.warnings.join('\n'));
    await unchanged();
  });

  it('does its work, then fails: the links it made are undone too (Debian keeps them without --fresh)', async () => {
    const { row, unchanged } = await faulty(`${UPDATE}.real "$@"\nexit 3`);
    assert.match(row.error!, /exited with 3/);
    assert.equal(row.rollback, 'done', row.warnings.join('\n'));
    await unchanged();
  });

  it('hangs past --timeout: rolled back within the grace budget, even though the rerun hangs too', async () => {
    const { row, unchanged } = await faulty('touch /tmp/update-started\nexec sleep 100000', ['--timeout', '8']);
    assert.match(row.error!, /timed out after 8s/);
    assert.equal(row.rollback, 'done', row.warnings.join('\n'));
    assert.match(
      row.warnings.join('\n'),
      /rollback: rerunning `\/usr\/sbin\/update-ca-certificates`: timed out after 20s/,
    );
    await unchanged();
  });

  it('leaves a bundle with fewer certificates (exit 0): caught by the count, rolled back', async () => {
    const { row, unchanged } = await faulty(
      `${UPDATE}.real "$@" || exit $?\ntail -n 300 ${DEBIAN_BUNDLE} > /tmp/short && cat /tmp/short > ${DEBIAN_BUNDLE}`,
    );
    assert.match(
      row.error!,
      /^\/etc\/ssl\/certs\/ca-certificates\.crt lost \d+ certificate\(s\) in the patch \(\d+ before, \d+ after\)/,
    );
    assert.equal(row.rollback, 'done', row.warnings.join('\n'));
    await unchanged();
  });
});
