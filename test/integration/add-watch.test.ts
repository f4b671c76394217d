import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { startTrustpatch, waitFor } from '../support/cli.js';
import { docker, testImage } from '../support/containers.js';
import { tempPemFile, type TempPem } from '../support/temp-pem.js';
import { DEBIAN_BUNDLE, fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

/**
 * `add --watch` on a real engine: three matching containers started at different times after
 * the watch began, one of which stops within a second; a temporary watch (--until-interrupt)
 * reverts those it patched when interrupted, leaving each store as the image has it.
 */
describe('add --watch: containers that start later', function () {
  const fx = caFixture('Watch Proxy CA', { server: false });
  this.timeout(300_000);
  let caFile: TempPem;
  const label = `trustpatch.watch-test=${randomBytes(4).toString('hex')}`;

  before(async () => {
    caFile = await tempPemFile(fx.ca.pem);
  });
  after(async () => {
    await caFile?.remove();
  });

  async function start(options: { watched: boolean; command?: string[] }): Promise<string> {
    const [key, value] = label.split('=') as [string, string];
    const id = await fx.start(testImage('debian-curl'), {
      labels: options.watched ? { [key]: value } : {},
      command: options.command,
    });
    return id;
  }
  const nameOf = async (id: string) =>
    (await docker(['inspect', '--format', '{{.Name}}', id])).stdout.trim().replace(/^\//, '');
  const holds = async (id: string) =>
    (await fileBytes(id, DEBIAN_BUNDLE))!.toString('latin1').includes(fx.ca.pem.trim());

  it('patches three containers started at different times (one stops within a second), and reverts them at the end', async () => {
    // The store as the image has it, from a container the watch does not select.
    const reference = await snapshotStore(await start({ watched: false }));
    const run = startTrustpatch(['add', caFile.path, '--label', label, '--watch', '--until-interrupt']);
    await waitFor(
      'the watch to begin',
      async () =>
        run
          .output()
          .stdout.includes(
            'temporary: no container patched yet, until Ctrl-C or SIGTERM; watching for matching containers that start',
          ),
      120_000,
    );

    const first = await start({ watched: true });
    const firstName = await nameOf(first);
    await waitFor('the first to be patched', () => holds(first), 120_000);
    // It exits at once: on this loaded machine a 0.3 s sleep sometimes outlasted the first write,
    // and a container stopped after a write keeps the anchor until it runs again (documented).
    const brief = await start({ watched: true, command: ['true'] });
    const briefName = await nameOf(brief);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const third = await start({ watched: true });
    const thirdName = await nameOf(third);
    await waitFor('the third to be patched', () => holds(third), 120_000);
    await waitFor(
      'the brief one to be reported',
      async () => new RegExp(`${briefName} .*(skipped|failed)`).test(run.output().stdout),
      120_000,
    );

    run.signal('SIGINT');
    const result = await run.done;
    const out = result.stdout;
    // A container that stopped while being patched is a failure of that container (exit 1), as in add.
    const briefFailed = new RegExp(`${briefName} .* failed `).test(out);
    assert.equal(result.code, briefFailed ? 1 : 0, result.stderr + out);
    for (const name of [firstName, briefName, thirdName])
      assert.equal(
        out.split('\n').filter((line) => line === `watch: ${name} started on ${line.split(' started on ')[1]}`).length,
        1,
        `${name} is handled once:\n${out}`,
      );
    assert.match(out, new RegExp(`${firstName} .* patched `));
    assert.match(out, new RegExp(`${thirdName} .* patched `));
    // Stopped before (or while) it could be patched: said so, nothing written. Stopped under an
    // exec, the engine's answer follows in parentheses.
    assert.match(
      out,
      new RegExp(
        `${briefName} .* skipped .*container is exited|${briefName} .* failed .*the container stopped \\(exited\\) during the patch( \\(.*is not running ?\\))?; nothing was changed`,
      ),
    );
    assert.match(
      out,
      /watch ended \(interrupted\): 2 patched, 0 already trusted, 1 skipped, 0 failed|watch ended \(interrupted\): 2 patched, 0 already trusted, 0 skipped, 1 failed/,
    );
    assert.match(out, /2 removed/);
    assert.ok(out.indexOf('watch ended') < out.indexOf('2 removed'), 'the watch ends before the revert');
    for (const id of [first, third, brief])
      assert.deepEqual(storeDifferences(reference, await snapshotStore(id)), [], id);
  });
});
