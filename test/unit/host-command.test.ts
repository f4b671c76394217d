import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHostAdd, runHostRemove } from '../../src/commands/host/run.js';
import { UserError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { hostRestartAdvice, programsRunning } from '../../src/host/restart-advice.js';
import { captureIo } from '../support/capture-io.js';
import { trustpatch } from '../support/cli.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('host commands: refusals before anything changes, and the restart advice', () => {
  let ca: TestCa;
  let tree: string;

  before(async () => {
    ca = await makeCa('Host Command Test CA');
  });
  after(async () => removeCa(ca));
  beforeEach(async () => {
    tree = await mkdtemp(join(tmpdir(), 'trustpatch-host-'));
    await mkdir(join(tree, 'etc'));
    await writeFile(join(tree, 'etc/os-release'), 'ID=debian\n');
  });
  afterEach(async () => rm(tree, { recursive: true, force: true }));

  it('without root, add and remove say so and print the command again behind sudo; the tree is untouched', async () => {
    const add = runHostAdd({
      certificate: ca.certPath,
      root: tree,
      isRoot: false,
      commandLine: `trustpatch host add ${ca.certPath} --root ${tree}`,
    });
    await assert.rejects(
      add,
      (error: Error) =>
        error instanceof UserError &&
        error.message.includes(`needs root`) &&
        error.message.includes(`sudo trustpatch host add ${ca.certPath} --root ${tree}`),
    );
    await assert.rejects(
      runHostRemove({ certificate: ca.certPath, root: tree, isRoot: false }),
      /needs root: run it again with sudo/,
    );
    await assert.rejects(
      runHostAdd({ certificate: ca.certPath, isRoot: false }),
      /changing this machine's trust store needs root/,
    );
    assert.deepEqual(await readdir(tree, { recursive: true }), ['etc', 'etc/os-release']);
  });

  it('--root that is no directory: exit 2 naming it, before anything is read', async () => {
    const io = captureIo();
    const code = await main(['host', 'add', ca.certPath, '--root', join(tree, 'missing')], io);
    assert.equal(code, 2);
    assert.match(
      io.err(),
      /--root .*missing: no such directory; give the directory that holds the tree's etc\/ and usr\//,
    );
  });

  it('--help says plainly that macOS and Windows are untested there', async () => {
    for (const args of [
      ['host', '--help'],
      ['host', 'add', '--help'],
    ]) {
      const run = await trustpatch(args);
      assert.equal(run.code, 0);
      assert.match(run.stdout.replace(/\s+/g, ' '), /untested on real macOS and Windows/);
    }
  });

  it('the Docker daemon and containerd are named only when they run', async () => {
    const proc = await mkdtemp(join(tmpdir(), 'trustpatch-proc-'));
    try {
      for (const [pid, comm] of [
        ['1', 'systemd'],
        ['42', 'dockerd'],
        ['self', 'x'],
      ] as const) {
        await mkdir(join(proc, pid));
        await writeFile(join(proc, pid, 'comm'), `${comm}\n`);
      }
      assert.deepEqual([...(await programsRunning(proc, ['dockerd', 'containerd']))], ['dockerd']);
      const advice = await hostRestartAdvice('ca.pem', proc);
      assert.equal(advice.length, 1);
      assert.match(advice[0]!, /systemctl restart docker.*trustpatch registry add HOST --ca ca\.pem/);
      await rm(join(proc, '42'), { recursive: true });
      assert.deepEqual(await hostRestartAdvice('ca.pem', proc), []);
    } finally {
      await rm(proc, { recursive: true, force: true });
    }
  });
});
