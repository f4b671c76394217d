/**
 * Benchmark (not a test): the same trustpatch commands on N containers through the local
 * socket and through ssh:// (Debian's sshd on 127.0.0.1 in front of the same engine, see
 * test/support/sshd.ts), side by side in one run, and the SSH connections each ssh run opened
 * (from sshd's log). Usage: npm run bench:ssh -- [N]   (default 20)
 *
 *   add     add with before/after checks, at the default concurrency and at -j 1
 *   status  status of the patched containers
 *   remove  remove, back to the image's trust store
 *
 * Traffic stays on 127.0.0.1: the containers use host networking and the check server listens there.
 */
import { trustpatch } from '../test/support/cli.js';
import { removeContainers, SESSION_ID, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { Sshd } from '../test/support/sshd.js';

const count = Number(process.argv[2] ?? 20);
const ca = await makeCa('Bench SSH CA');
const site = await startHttpsServer(await makeServerCert(ca));
const sshd = await Sshd.start();
const label = `trustpatch.bench-ssh=${SESSION_ID}`;
const ids: string[] = [];
try {
  for (let i = 0; i < count; i += 1)
    ids.push(await startContainer(testImage('debian-curl'), { labels: { 'trustpatch.bench-ssh': SESSION_ID } }));
  console.log(`${count} debian-curl containers; seconds per container (whole run / N), SSH connections per ssh run\n`);
  console.log('command            local     ssh   ratio  connections');
  for (const [name, args] of [
    ['add', ['add', ca.certPath, '--label', label, '--check-url', site.url]],
    ['status', ['status', '--label', label]],
    ['remove', ['remove', ca.certPath, '--label', label]],
    ['add -j 1', ['add', ca.certPath, '--label', label, '--check-url', site.url, '-j', '1']],
    ['status -j 1', ['status', '--label', label, '-j', '1']],
    ['remove -j 1', ['remove', ca.certPath, '--label', label, '-j', '1']],
  ] as const) {
    let started = Date.now();
    const local = await trustpatch([...args]);
    const localMs = Date.now() - started;
    if (local.code !== 0) throw new Error(`local ${name} failed: ${local.stderr}`);
    // Undo the local run so the ssh run does the same work.
    const undo = name.startsWith('add')
      ? ['remove', ca.certPath, '--label', label]
      : name.startsWith('remove')
        ? ['add', ca.certPath, '--label', label]
        : undefined;
    if (undo) await trustpatch(undo);
    const before = await sshd.connections();
    started = Date.now();
    const remote = await sshd.trustpatch([...args, '--host', sshd.host]);
    const sshMs = Date.now() - started;
    if (remote.code !== 0) throw new Error(`ssh ${name} failed: ${remote.stderr}`);
    const per = (ms: number) => (ms / 1000 / count).toFixed(2).padStart(7);
    console.log(
      `${name.padEnd(14)} ${per(localMs)} ${per(sshMs)} ${(sshMs / localMs).toFixed(2).padStart(6)}x  ${String((await sshd.connections()) - before).padStart(5)}`,
    );
  }
} finally {
  await removeContainers(ids);
  await sshd.stop();
  await site.close();
  await removeCa(ca);
}
