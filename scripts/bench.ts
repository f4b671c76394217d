/**
 * Benchmark (not a test): patch N containers three ways, side by side in one run, and print
 * the figures. Usage: npm run bench -- [N ...]   (default: 10 50 100)
 *
 *   trustpatch  bin/trustpatch add with before/after checks, N containers picked by label
 *   rerun       the same command again on the now trusted containers
 *   manual      Docker's recipe in a sequential loop: docker cp, docker exec update, docker exec curl
 *   floor       docker exec of the update command alone in every container (the certificate
 *               copied in first, untimed), at the best of several concurrencies
 *
 * Every way gets containers of its own, fresh from the image, as trustpatch's are: the first
 * update in a container costs more than a repeat (its files are copied up from the image
 * layer), so the floor at each concurrency runs on a new set too. Also printed: the peak
 * resident memory of the trustpatch process (GNU time), and the machine's CPU time per
 * container for trustpatch and the floor (from /proc/stat: dockerd, runc and the commands in
 * the containers included). Traffic stays on 127.0.0.1: the containers use host networking
 * and the check server listens there.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN } from '../test/support/cli.js';
import { docker, removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { mapLimit } from '../src/util/pool.js';
import { machineCpuMs } from './machine-cpu.js';

const run = promisify(execFile);
const UPDATE = '/usr/sbin/update-ca-certificates';
const BASELINE = process.env.TRUSTPATCH_BENCH_BASELINE || undefined;
const FLOOR_CONCURRENCY = [4, 8, 16];

interface Timed<T> {
  ms: number;
  /** CPU time of the whole machine meanwhile. */
  cpuMs: number;
  value: T;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const [started, cpu] = [process.hrtime.bigint(), machineCpuMs()];
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: machineCpuMs() - cpu, value };
}

/** N fresh labelled containers for `work`, removed afterwards whatever happens. */
async function withFleet<T>(count: number, label: string, work: (ids: string[]) => Promise<T>): Promise<T> {
  const ids = (
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      4,
      () => startContainer(testImage('debian-curl'), { labels: { 'trustpatch.bench': label } }),
    )
  ).filter((id): id is string => id !== undefined);
  try {
    return await work(ids);
  } finally {
    await removeContainers(ids);
  }
}

/** bin/trustpatch (or another build's) under GNU time: exit code and peak RSS in MB. */
async function trustpatchRun(args: string[], bin = BIN): Promise<Timed<{ code: number; peakMb: number }>> {
  return timed(async () => {
    const out = await run('/usr/bin/time', ['-f', 'peak-rss-kb=%M', bin, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stderr: string; code: number }) => ({ stdout: '', stderr: e.stderr, code: e.code }),
    );
    return { code: out.code, peakMb: Number(/peak-rss-kb=(\d+)/.exec(out.stderr)?.[1] ?? 0) / 1024 };
  });
}

async function benchmark(count: number, certPath: string, url: string) {
  const tag = `${process.pid}-${count}`;
  const addArgs = (set: string) => [
    'add',
    certPath,
    '--label',
    `trustpatch.bench=${tag}-${set}`,
    '--check-url',
    url,
    '--quiet',
    '--concurrency',
    '8',
  ];
  const manual = await withFleet(count, `${tag}-manual`, (ids) =>
    timed(async () => {
      for (const id of ids) {
        await docker(['cp', certPath, `${id}:/usr/local/share/ca-certificates/bench.crt`]);
        await docker(['exec', id, UPDATE]);
        await docker(['exec', id, 'curl', '-sS', '-o', '/dev/null', url]);
      }
    }),
  );
  const [first, second] = await withFleet(
    count,
    `${tag}-patch`,
    async () => [await trustpatchRun(addArgs('patch')), await trustpatchRun(addArgs('patch'))] as const,
  );
  const baseline =
    BASELINE === undefined
      ? undefined
      : await withFleet(count, `${tag}-baseline`, () => trustpatchRun(addArgs('baseline'), BASELINE));
  const floors: (Timed<unknown> & { concurrency: number })[] = [];
  for (const concurrency of FLOOR_CONCURRENCY) {
    floors.push(
      await withFleet(count, `${tag}-floor${concurrency}`, async (ids) => {
        await mapLimit(ids, 8, (id) => docker(['cp', certPath, `${id}:/usr/local/share/ca-certificates/bench.crt`]));
        return {
          ...(await timed(() => mapLimit(ids, concurrency, (id) => docker(['exec', id, UPDATE])))),
          concurrency,
        };
      }),
    );
  }
  const floor = floors.reduce((best, f) => (f.ms < best.ms ? f : best));
  return { count, manual, first, second, floor, baseline };
}

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const ca = await makeCa('trustpatch bench CA');
const server = await startHttpsServer(await makeServerCert(ca));
const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
try {
  console.log(
    `N    trustpatch  rerun   manual   floor (best -j)  tp/floor  manual/tp  rerun/tp  CPU/container tp, floor  peak RSS  exit${BASELINE ? '  baseline (CPU/container)' : ''}`,
  );
  for (const count of counts.length > 0 ? counts : [10, 50, 100]) {
    const r = await benchmark(count, ca.certPath, server.url);
    console.log(
      [
        String(r.count).padEnd(4),
        s(r.first.ms).padEnd(11),
        s(r.second.ms).padEnd(7),
        s(r.manual.ms).padEnd(8),
        `${s(r.floor.ms)} (-j${r.floor.concurrency})`.padEnd(16),
        `${(r.first.ms / r.floor.ms).toFixed(2)}x`.padEnd(9),
        `${(r.manual.ms / r.first.ms).toFixed(2)}x`.padEnd(10),
        `${((100 * r.second.ms) / r.first.ms).toFixed(0)}%`.padEnd(9),
        `${(r.first.cpuMs / r.count).toFixed(0)} ms, ${(r.floor.cpuMs / r.count).toFixed(0)} ms`.padEnd(24),
        `${r.first.value.peakMb.toFixed(0)} MB`.padEnd(9),
        `${r.first.value.code}/${r.second.value.code}`.padEnd(5),
        r.baseline
          ? `${s(r.baseline.ms)} (${(r.baseline.cpuMs / r.count).toFixed(0)} ms), exit ${r.baseline.value.code}`
          : '',
      ]
        .join(' ')
        .trimEnd(),
    );
  }
} finally {
  await server.close();
  await removeCa(ca);
}
