/**
 * Benchmark (not a test): the peak resident memory and the CPU time of the `trustpatch add`
 * process at several fleet sizes, for issue 17's target (under 150 MB at N = 100, flat from
 * N = 100 to N = 300). Usage: npm run bench:memory -- [N ...]   (default: 50 100 300)
 *
 * Each N gets fresh debian-curl containers (host networking, the check server on 127.0.0.1),
 * patched by `bin/trustpatch add CA --check-url URL --quiet --concurrency 8` under GNU time:
 * peak RSS (%M) and the process's user and system CPU (%U, %S; trustpatch's own, not the
 * engine's). TRUSTPATCH_BENCH_REPEAT=R runs R fleets a size and prints each run (RSS varies
 * by a few MB from run to run). TRUSTPATCH_BENCH_BASELINE=path/to/bin/trustpatch measures
 * another build the same way on fleets of its own, each run beside this build's.
 * TRUSTPATCH_BENCH_LABEL=key=value adds a label to every container the benchmark starts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN } from '../test/support/cli.js';
import { removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { mapLimit } from '../src/util/pool.js';

const run = promisify(execFile);
const BASELINE = process.env.TRUSTPATCH_BENCH_BASELINE || undefined;
const REPEAT = Math.max(1, Number(process.env.TRUSTPATCH_BENCH_REPEAT) || 1);
const EXTRA_LABEL = process.env.TRUSTPATCH_BENCH_LABEL?.split('=', 2);

interface Measured {
  code: number;
  peakMb: number;
  userS: number;
  sysS: number;
}

/** N fresh labelled debian-curl containers for `work`, removed afterwards whatever happens. */
async function withFleet<T>(count: number, label: string, work: () => Promise<T>): Promise<T> {
  const labels: Record<string, string> = { 'trustpatch.bench': label };
  if (EXTRA_LABEL?.length === 2) labels[EXTRA_LABEL[0]!] = EXTRA_LABEL[1]!;
  const ids: string[] = [];
  try {
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      4,
      async () => void ids.push(await startContainer(testImage('debian-curl'), { labels })),
    );
    return await work();
  } finally {
    await removeContainers(ids);
  }
}

/** One `add` of a fresh fleet of `count` under GNU time. */
async function measure(bin: string, count: number, tag: string, certPath: string, url: string): Promise<Measured> {
  return withFleet(count, tag, async () => {
    const args = ['add', certPath, '--label', `trustpatch.bench=${tag}`, '--check-url', url, '--quiet'];
    const timed = ['-f', 'trustpatch-time=%M %U %S', bin, ...args, '--concurrency', '8'];
    const out = await run('/usr/bin/time', timed, { maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ stderr: r.stderr, code: 0 }),
      (e: { stderr: string; code: number }) => ({ stderr: e.stderr, code: e.code }),
    );
    const [kb, user, sys] = (/trustpatch-time=(\d+) ([\d.]+) ([\d.]+)/.exec(out.stderr) ?? []).slice(1).map(Number);
    return { code: out.code, peakMb: (kb ?? 0) / 1024, userS: user ?? 0, sysS: sys ?? 0 };
  });
}

const line = (name: string, count: number, m: Measured) =>
  [
    name.padEnd(10),
    String(count).padEnd(5),
    `${m.peakMb.toFixed(0)} MB`.padEnd(10),
    `${(m.userS + m.sysS).toFixed(2)}s`.padEnd(9),
    `${m.userS.toFixed(2)} + ${m.sysS.toFixed(2)}`.padEnd(14),
    String(m.code),
  ].join(' ');

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const ca = await makeCa('trustpatch memory bench CA');
const server = await startHttpsServer(await makeServerCert(ca));
try {
  console.log('build      N     peak RSS   CPU      user + sys     exit');
  for (const count of counts.length > 0 ? counts : [50, 100, 300]) {
    for (let round = 1; round <= REPEAT; round++) {
      const tag = `${process.pid}-${count}-${round}`;
      console.log(line('this', count, await measure(BIN, count, `${tag}-this`, ca.certPath, server.url)));
      if (BASELINE !== undefined)
        console.log(line('baseline', count, await measure(BASELINE, count, `${tag}-base`, ca.certPath, server.url)));
    }
  }
} finally {
  await server.close();
  await removeCa(ca);
}
