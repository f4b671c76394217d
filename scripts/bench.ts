/**
 * Benchmark (not a test): patch N containers three ways, side by side in one run, and print
 * the figures. Usage: npm run bench -- [N ...]   (default: 10 50 100)
 *
 *   trustpatch  bin/trustpatch add with before/after checks, N containers picked by label (the
 *               update replicated from one container to the others: docs/how-add-works.md)
 *   rerun       the same command again on the now trusted containers
 *   each        the same add with --no-replicate: the update runs in every container
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
 *
 * Then the same for Alpine containers without an update command (archive-only, `--install
 * never`), whose floor is the archive write of the bundle itself (`docker cp`), and the engine
 * calls a container of a first add and a rerun of each image (an in-process add on 4 fresh
 * containers, every call counted). The last lines project the wall times on a host with more
 * cores from the CPU figures (N x CPU a container / cores: a projection, not a measurement).
 * TRUSTPATCH_BENCH_LABEL=key=value adds a label to every container the benchmark starts;
 * TRUSTPATCH_TEST_ENGINE=docker26 (podman5, podman) runs it on that engine instead of the machine's
 * Docker 20.10 (set up first with scripts/ensure-trixie-engines.sh docker26 debian-curl alpine).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BIN } from '../test/support/cli.js';
import { docker, removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { engineEnv } from '../test/support/engine.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { mapLimit } from '../src/util/pool.js';
import { runAdd } from '../src/commands/add/run.js';
import { connectEngines } from '../src/docker/connect.js';
import { machineCpuMs } from './machine-cpu.js';
import { traced, type Call } from './traced-client.js';

const run = promisify(execFile);
// TRUSTPATCH_TEST_ENGINE=docker26 (or podman5, podman) benchmarks that engine: the docker CLI,
// every trustpatch started and the in-process counts all go to it (test/support/engine.ts).
Object.assign(process.env, engineEnv());
const UPDATE = '/usr/sbin/update-ca-certificates';
const BASELINE = process.env.TRUSTPATCH_BENCH_BASELINE || undefined;
const FLOOR_CONCURRENCY = [4, 8, 16];
const EXTRA_LABEL = process.env.TRUSTPATCH_BENCH_LABEL?.split('=', 2);
const PROJECTED_CORES = [8, 32];

type Image = 'debian-curl' | 'alpine';

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
async function withFleet<T>(
  count: number,
  label: string,
  work: (ids: string[]) => Promise<T>,
  image: Image = 'debian-curl',
): Promise<T> {
  const labels: Record<string, string> = { 'trustpatch.bench': label };
  if (EXTRA_LABEL?.length === 2) labels[EXTRA_LABEL[0]!] = EXTRA_LABEL[1]!;
  const ids = (
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      4,
      () => startContainer(testImage(image), { labels }),
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
  const each = await withFleet(count, `${tag}-each`, () => trustpatchRun([...addArgs('each'), '--no-replicate']));
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
  return { count, manual, first, second, each, floor, baseline };
}

/** Alpine without an update command: trustpatch (archive-only), its rerun, a baseline, and the floor: the bundle written with docker cp. */
async function benchmarkAlpine(count: number, certPath: string, bundlePath: string, url: string) {
  const tag = `${process.pid}-${count}-alpine`;
  const addArgs = (set: string) =>
    ['add', certPath, '--label', `trustpatch.bench=${tag}-${set}`, '--check-url', url, '--install', 'never'].concat([
      '--quiet',
      '--concurrency',
      '8',
    ]);
  const [first, second] = await withFleet(
    count,
    `${tag}-patch`,
    async () => [await trustpatchRun(addArgs('patch')), await trustpatchRun(addArgs('patch'))] as const,
    'alpine',
  );
  const baseline =
    BASELINE === undefined
      ? undefined
      : await withFleet(count, `${tag}-baseline`, () => trustpatchRun(addArgs('baseline'), BASELINE), 'alpine');
  const floors: (Timed<unknown> & { concurrency: number })[] = [];
  for (const concurrency of FLOOR_CONCURRENCY)
    floors.push(
      await withFleet(
        count,
        `${tag}-floor${concurrency}`,
        async (ids) => ({
          ...(await timed(() =>
            mapLimit(ids, concurrency, (id) => docker(['cp', bundlePath, `${id}:/etc/ssl/certs/ca-certificates.crt`])),
          )),
          concurrency,
        }),
        'alpine',
      ),
    );
  const floor = floors.reduce((best, f) => (f.ms < best.ms ? f : best));
  return { count, first, second, floor, baseline };
}

/** Engine calls a container of a first add and of a rerun: an in-process add on 4 fresh containers, every call counted. */
async function callCounts(image: Image, certPath: string, url: string, replicate = true): Promise<string> {
  const [engine] = connectEngines();
  return withFleet(
    4,
    `${process.pid}-calls-${image}-${replicate}`,
    async (ids) => {
      const counts: string[] = [];
      for (const title of ['first add', 'rerun']) {
        const calls: Call[] = [];
        await runAdd({
          certificate: certPath,
          selector: { names: ids, labels: [], filters: [], all: false },
          checkUrls: [url],
          install: image === 'alpine' ? 'never' : undefined,
          concurrency: 8,
          replicate,
          client: traced(engine!, calls),
        });
        const kinds = new Map<string, number>();
        for (const call of calls) kinds.set(call.kind, (kinds.get(call.kind) ?? 0) + 1);
        const per = (n: number) => String(Math.round((10 * n) / ids.length) / 10);
        counts.push(
          `${title} ${per(calls.length)} (${[...kinds]
            .sort((a, b) => b[1] - a[1])
            .map(([kind, n]) => `${kind} ${per(n)}`)
            .join(', ')})`,
        );
      }
      return `engine calls a container, ${image}${replicate ? '' : ' --no-replicate'}: ${counts.join('; ')}`;
    },
    image,
  );
}

const perContainer = (t: Timed<unknown>, n: number) => `${(t.cpuMs / n).toFixed(0)} ms`;

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const ca = await makeCa('trustpatch bench CA');
const server = await startHttpsServer(await makeServerCert(ca));
// The floor of the archive-only way writes Alpine's own bundle with the CA appended.
const alpineBundle = join(await mkdtemp(join(tmpdir(), 'trustpatch-bench-')), 'ca-certificates.crt');
const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
try {
  const shipped = await withFleet(
    1,
    `${process.pid}-bundle`,
    async ([id]) => (await docker(['exec', id!, 'cat', '/etc/ssl/certs/ca-certificates.crt'])).stdout,
    'alpine',
  );
  await writeFile(alpineBundle, shipped + (await readFile(ca.certPath, 'utf8')));
  const projected: string[] = [];
  const all = counts.length > 0 ? counts : [10, 50, 100];
  for (const count of all) {
    const r = await benchmark(count, ca.certPath, server.url);
    console.log(
      `debian-curl, N = ${count} (floor: the update alone in each container, -j${r.floor.concurrency} the best of ${FLOOR_CONCURRENCY.join(', ')}):`,
    );
    const row = (way: string, t: Timed<unknown>, extra: string) =>
      console.log(
        [
          `  ${way.padEnd(34)}`,
          s(t.ms).padEnd(8),
          `${(t.ms / r.floor.ms).toFixed(2)}x`.padEnd(9),
          perContainer(t, count).padEnd(9),
          `${(t.cpuMs / r.floor.cpuMs).toFixed(2)}x`.padEnd(9),
          extra,
        ]
          .join(' ')
          .trimEnd(),
      );
    console.log(
      `  ${'way'.padEnd(34)} ${'wall'.padEnd(8)} ${'/floor'.padEnd(9)} ${'CPU/ctr'.padEnd(9)} ${'/floor'.padEnd(9)} peak RSS, exit`,
    );
    const tp = (t: Timed<{ code: number; peakMb: number }>) => `${t.value.peakMb.toFixed(0)} MB, exit ${t.value.code}`;
    row('trustpatch add (replicated)', r.first, tp(r.first));
    row(`rerun, already trusted (${((100 * r.second.ms) / r.first.ms).toFixed(0)}% of add)`, r.second, tp(r.second));
    row('trustpatch add --no-replicate', r.each, tp(r.each));
    if (r.baseline) row('baseline build (BENCH_BASELINE)', r.baseline, tp(r.baseline));
    row(`manual loop (${(r.manual.ms / r.first.ms).toFixed(2)}x add)`, r.manual, '');
    row('floor', r.floor, '');
    projected.push(
      `debian-curl N=${count}: ${PROJECTED_CORES.map((cores) => `${cores} cores: trustpatch ${s(r.first.cpuMs / cores)}, --no-replicate ${s(r.each.cpuMs / cores)}, floor ${s(r.floor.cpuMs / cores)}`).join('; ')}`,
    );
  }
  console.log(
    `alpine (archive-only): N    trustpatch  rerun   floor: docker cp (best -j)  tp/floor  rerun/tp  CPU a container: tp, rerun, floor  tp CPU/floor CPU  peak RSS  exit${BASELINE ? '  baseline (CPU a container)' : ''}`,
  );
  for (const count of all) {
    const r = await benchmarkAlpine(count, ca.certPath, alpineBundle, server.url);
    console.log(
      [
        ' '.repeat(22),
        String(r.count).padEnd(4),
        s(r.first.ms).padEnd(11),
        s(r.second.ms).padEnd(7),
        `${s(r.floor.ms)} (-j${r.floor.concurrency})`.padEnd(27),
        `${(r.first.ms / r.floor.ms).toFixed(2)}x`.padEnd(9),
        `${((100 * r.second.ms) / r.first.ms).toFixed(0)}%`.padEnd(9),
        [r.first, r.second, r.floor]
          .map((t) => perContainer(t, count))
          .join(', ')
          .padEnd(34),
        `${(r.first.cpuMs / r.floor.cpuMs).toFixed(2)}x`.padEnd(17),
        `${r.first.value.peakMb.toFixed(0)} MB`.padEnd(9),
        `${r.first.value.code}/${r.second.value.code}`.padEnd(5),
        r.baseline ? `${s(r.baseline.ms)} (${perContainer(r.baseline, count)}), exit ${r.baseline.value.code}` : '',
      ]
        .join(' ')
        .trimEnd(),
    );
    projected.push(
      `alpine N=${count}: ${PROJECTED_CORES.map((cores) => `${cores} cores: trustpatch ${s(r.first.cpuMs / cores)}, floor ${s(r.floor.cpuMs / cores)}`).join('; ')}`,
    );
  }
  console.log(await callCounts('debian-curl', ca.certPath, server.url));
  console.log(await callCounts('debian-curl', ca.certPath, server.url, false));
  console.log(await callCounts('alpine', ca.certPath, server.url));
  console.log('projection (not measured): wall time if the same CPU work were spread over more cores');
  for (const line of projected) console.log(`  ${line}`);
} finally {
  await server.close();
  await removeCa(ca);
  await rm(dirname(alpineBundle), { recursive: true, force: true });
}
