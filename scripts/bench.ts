/**
 * Benchmark (not a test): patch N containers three ways, side by side in one run, and print
 * the figures. Usage: npm run bench -- [N ...]   (default: 10 50 100)
 *
 *   trustpatch  bin/trustpatch add with before/after checks, N containers picked by label
 *   rerun       the same command again on the now trusted containers
 *   manual      Docker's recipe in a sequential loop: docker cp, docker exec update, docker exec curl
 *   floor       docker exec of the update command alone in every container, at the best concurrency
 *
 * Also the peak resident memory of the trustpatch process (GNU time). Traffic stays on
 * 127.0.0.1: the containers use host networking and the check server listens there.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN } from '../test/support/cli.js';
import { docker, removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { mapLimit } from '../src/util/pool.js';

const run = promisify(execFile);
const UPDATE = '/usr/sbin/update-ca-certificates';
const FLOOR_CONCURRENCY = [4, 8, 16];

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function fleet(count: number, label: string): Promise<string[]> {
  return (await mapLimit(Array.from({ length: count }, (_, i) => i), 4, () => startContainer(testImage('debian-curl'), { labels: { 'trustpatch.bench': label } }))).filter((id): id is string => id !== undefined);
}

/** bin/trustpatch under GNU time: wall time, exit code and peak RSS in MB. */
async function trustpatchRun(args: string[]): Promise<{ ms: number; code: number; peakMb: number }> {
  const { ms, value } = await timed(() => run('/usr/bin/time', ['-f', 'peak-rss-kb=%M', BIN, ...args], { maxBuffer: 64 * 1024 * 1024 }).then((r) => ({ ...r, code: 0 }), (e: { stderr: string; code: number }) => ({ stdout: '', stderr: e.stderr, code: e.code })));
  const kb = Number(/peak-rss-kb=(\d+)/.exec(value.stderr)?.[1] ?? 0);
  return { ms, code: value.code, peakMb: kb / 1024 };
}

async function benchmark(count: number, certPath: string, url: string) {
  const tag = `${process.pid}-${count}`;
  const manualSet = await fleet(count, `${tag}-manual`);
  const patchSet = await fleet(count, `${tag}-patch`);
  const floorSet = await fleet(count, `${tag}-floor`);
  try {
    const manual = await timed(async () => {
      for (const id of manualSet) {
        await docker(['cp', certPath, `${id}:/usr/local/share/ca-certificates/bench.crt`]);
        await docker(['exec', id, UPDATE]);
        await docker(['exec', id, 'curl', '-sS', '-o', '/dev/null', url]);
      }
    });
    const first = await trustpatchRun(['add', certPath, '--label', `trustpatch.bench=${tag}-patch`, '--check-url', url, '--quiet', '--concurrency', '8']);
    const second = await trustpatchRun(['add', certPath, '--label', `trustpatch.bench=${tag}-patch`, '--check-url', url, '--quiet', '--concurrency', '8']);
    await mapLimit(floorSet, 8, (id) => docker(['cp', certPath, `${id}:/usr/local/share/ca-certificates/bench.crt`]));
    const floors: { concurrency: number; ms: number }[] = [];
    for (const concurrency of FLOOR_CONCURRENCY) {
      const { ms } = await timed(() => mapLimit(floorSet, concurrency, (id) => docker(['exec', id, UPDATE])));
      floors.push({ concurrency, ms });
    }
    const floor = floors.reduce((best, f) => (f.ms < best.ms ? f : best));
    return { count, manualMs: manual.ms, first, second, floor };
  } finally {
    await removeContainers([...manualSet, ...patchSet, ...floorSet]);
  }
}

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ca = await makeCa('trustpatch bench CA');
const server = await startHttpsServer(await makeServerCert(ca));
const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
try {
  console.log('N    trustpatch  rerun   manual   floor (best -j)  tp/floor  manual/tp  rerun/tp  peak RSS  exit');
  for (const count of counts.length > 0 ? counts : [10, 50, 100]) {
    const r = await benchmark(count, ca.certPath, server.url);
    console.log(
      [
        String(r.count).padEnd(4),
        s(r.first.ms).padEnd(11),
        s(r.second.ms).padEnd(7),
        s(r.manualMs).padEnd(8),
        `${s(r.floor.ms)} (-j${r.floor.concurrency})`.padEnd(16),
        `${(r.first.ms / r.floor.ms).toFixed(2)}x`.padEnd(9),
        `${(r.manualMs / r.first.ms).toFixed(2)}x`.padEnd(10),
        `${((100 * r.second.ms) / r.first.ms).toFixed(0)}%`.padEnd(9),
        `${r.first.peakMb.toFixed(0)} MB`.padEnd(9),
        `${r.first.code}/${r.second.code}`,
      ].join(' '),
    );
  }
} finally {
  await server.close();
  await removeCa(ca);
}
