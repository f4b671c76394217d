import assert from 'node:assert/strict';
import { pack } from 'tar-stream';
import { streamToBuffer } from '../../src/docker/tar.js';
import { isUpdateAndRead, runUpdateAndRead, type ReadAfterUpdate } from '../../src/update/update-and-read.js';
import { FakeClient, FakeContainer } from '../support/fake-client.js';

const UPDATE = ['/usr/sbin/update-ca-certificates', '--fresh'];

/** What GNU tar -c -C / -- etc/ssl/certs writes: the directory, a bundle, a link, and a name outside it. */
async function certsTar(): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: 'etc/ssl/certs/', type: 'directory', mode: 0o755 });
  archive.entry({ name: 'etc/ssl/certs/ca-certificates.crt', mode: 0o644 }, 'BUNDLE');
  archive.entry({ name: 'etc/ssl/certs/abcd.0', type: 'symlink', linkname: 'corp.pem', mode: 0o777 });
  archive.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0');
  archive.finalize();
  return streamToBuffer(archive);
}

function setup(script: (argv: readonly string[]) => { exitCode: number; stdoutBytes?: Buffer; stderr?: string }) {
  const client = new FakeClient();
  const container = client.add(new FakeContainer('c1', 'c1'));
  container.write('/bin/sh', 'ELF').write('/bin/tar', 'ELF').write(UPDATE[0]!, '#!/bin/sh');
  container.handler = (argv) =>
    isUpdateAndRead(argv) ? script(argv) : argv[0] === UPDATE[0] ? { exitCode: 0 } : undefined;
  return { client, container };
}

describe('the update with the verification read in one exec', () => {
  it('runs the update, then tar over the directories, all as arguments; keeps only names inside them', async () => {
    const bytes = await certsTar();
    const { client, container } = setup(() => ({ exitCode: 0, stdoutBytes: bytes }));
    const after: ReadAfterUpdate = { dirs: ['/etc/ssl/certs'] };
    const run = await runUpdateAndRead(client, 'c1', UPDATE, { timeoutMs: 5000 }, after);
    assert.deepEqual([run.exitCode, run.argv], [0, UPDATE]);
    assert.deepEqual(container.execs.length, 1);
    assert.deepEqual(container.execs[0]!.slice(3), ['sh', '/bin/tar', '2', ...UPDATE, 'etc/ssl/certs']);
    assert.deepEqual([...after.read!.entries.keys()].sort(), [
      '/etc/ssl/certs',
      '/etc/ssl/certs/abcd.0',
      '/etc/ssl/certs/ca-certificates.crt',
    ]);
    assert.equal(after.read!.entries.get('/etc/ssl/certs/ca-certificates.crt')!.content.toString(), 'BUNDLE');
  });

  it('any status but 0 runs the update again on its own, whose result is the answer (diagnosed as without the script)', async () => {
    const { client, container } = setup(() => ({ exitCode: 2, stderr: 'Syntax error: word unexpected' }));
    const after: ReadAfterUpdate = { dirs: ['/etc/ssl/certs'] };
    const run = await runUpdateAndRead(client, 'c1', UPDATE, { timeoutMs: 5000 }, after);
    assert.deepEqual([run.exitCode, run.stderr, after.read], [0, '', undefined]);
    assert.deepEqual(container.execs[1], UPDATE);
  });

  it('the /proc scan rides along: processes after the last marker line, the update output before it', async () => {
    const bytes = await certsTar();
    // The update itself prints a marker and a fake process: only what follows the script's own marker counts.
    const stderr = [
      'Updating certificates in /etc/ssl/certs...',
      'trustpatch: processes',
      '@ 666',
      'trustpatch: processes',
      'btime 1700000000',
      '@ 1',
      'exe /usr/bin/app',
      'cmd /usr/bin/app serve',
      '',
    ].join('\n');
    const { client } = setup(() => ({ exitCode: 0, stdoutBytes: bytes, stderr }));
    const after: ReadAfterUpdate = { dirs: ['/etc/ssl/certs'] };
    const run = await runUpdateAndRead(client, 'c1', UPDATE, { timeoutMs: 5000 }, after);
    assert.equal(run.stderr, 'Updating certificates in /etc/ssl/certs...\ntrustpatch: processes\n@ 666');
    assert.deepEqual(
      after.scanned?.map((p) => [p.pid, p.exe, p.command]),
      [[1, '/usr/bin/app', '/usr/bin/app serve']],
    );
    assert.ok(after.read?.entries.has('/etc/ssl/certs/ca-certificates.crt'));
  });

  it('a scan that found no process leaves the advice to scan on its own', async () => {
    const bytes = await certsTar();
    const { client } = setup(() => ({ exitCode: 0, stdoutBytes: bytes, stderr: 'trustpatch: processes\nbtime 1\n' }));
    const after: ReadAfterUpdate = { dirs: ['/etc/ssl/certs'] };
    await runUpdateAndRead(client, 'c1', UPDATE, { timeoutMs: 5000 }, after);
    assert.equal(after.scanned, undefined);
  });

  it('a tar that failed leaves the read to the verification step', async () => {
    const { client } = setup(() => ({ exitCode: 0, stdoutBytes: Buffer.alloc(0), stderr: 'trustpatch: tar failed\n' }));
    const after: ReadAfterUpdate = { dirs: ['/etc/ssl/certs'] };
    assert.equal((await runUpdateAndRead(client, 'c1', UPDATE, { timeoutMs: 5000 }, after)).exitCode, 0);
    assert.equal(after.read, undefined);
  });
});
