/**
 * Profile (not a test): where `add` spends its time, for the developers.
 *
 *   npm run profile -- [N] [--no-check] [--stores LIST] [--concurrency C]
 *     patches N fresh debian-curl containers in-process (default 1, C = 8), then runs
 *     the same add again on the now trusted ones; prints for each run the wall time, the
 *     machine's CPU time per container (from /proc/stat: dockerd, runc and the commands in the
 *     containers included), trustpatch's own CPU time, and every kind of engine call with its
 *     count and mean duration (with N = 1, each call in order).
 *   npm run profile -- ops [N]
 *     what one engine operation costs the machine, each on N fresh containers (default 16) at
 *     concurrency 8: an exec, a read or write through the archive API, a stat, the checks, the
 *     update command (its first run in a container and a repeat).
 *
 * Traffic stays on 127.0.0.1 (host networking, a local check server).
 */
import { runAdd } from '../src/commands/add/run.js';
import { connectEngines } from '../src/docker/connect.js';
import type { StoreKind } from '../src/app-stores/types.js';
import { mapLimit } from '../src/util/pool.js';
import { machineCpuMs } from './machine-cpu.js';
import { traced, type Call } from './traced-client.js';
import { removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../test/support/pki.js';

function ownCpuMs(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000;
}

async function profileAdd(
  ca: TestCa,
  url: string,
  ids: string[],
  options: { check: boolean; stores?: StoreKind[]; concurrency: number },
): Promise<void> {
  const [engine] = connectEngines();
  for (const title of ['first add', 'second add']) {
    const calls: Call[] = [];
    const [started, cpu, own] = [Date.now(), machineCpuMs(), ownCpuMs()];
    const report = await runAdd({
      certificate: ca.certPath,
      selector: { names: ids, labels: [], filters: [], all: false },
      checkUrls: options.check ? [url] : [],
      stores: options.stores,
      concurrency: options.concurrency,
      client: traced(engine!, calls),
    });
    const [wall, machine, mine] = [Date.now() - started, machineCpuMs() - cpu, ownCpuMs() - own];
    const statuses = [...new Set(report.results.map((r) => r.status))].join(', ');
    console.log(
      `\n${title} (${statuses}): ${(wall / 1000).toFixed(1)} s wall; CPU a container: ${(machine / ids.length).toFixed(0)} ms for the machine, ${(mine / ids.length).toFixed(0)} ms of it trustpatch's; ${(calls.length / ids.length).toFixed(1)} engine calls a container`,
    );
    if (ids.length === 1)
      for (const call of calls)
        console.log(`  ${call.ms.toFixed(0).padStart(6)} ms  ${call.kind.padEnd(30)} ${call.detail}`);
    const kinds = new Map<string, number[]>();
    for (const call of calls) kinds.set(call.kind, [...(kinds.get(call.kind) ?? []), call.ms]);
    const total = (times: number[]) => times.reduce((sum, t) => sum + t, 0);
    for (const [kind, times] of [...kinds].sort((a, b) => total(b[1]) - total(a[1])))
      console.log(
        `  ${kind.padEnd(32)} ${String(times.length).padStart(5)}x  mean ${(total(times) / times.length).toFixed(0).padStart(5)} ms`,
      );
  }
}

/** Each operation on every container once, at concurrency 8: its wall time and the machine's CPU time, per operation. */
async function profileOps(ca: TestCa, url: string, ids: string[]): Promise<void> {
  const [client] = connectEngines();
  const c = client!;
  const find = [
    '/usr/bin/find',
    '/',
    '(',
    '-path',
    '/proc',
    '-o',
    '-path',
    '/sys',
    '-o',
    '-path',
    '/dev',
    ')',
    '-prune',
    '-o',
    '-name',
    'cacert.pem',
    '-print',
  ];
  const ops: [string, (id: string) => Promise<unknown>][] = [
    ['exec true', (id) => c.exec(id, ['/usr/bin/true'])],
    ['stat (a path that exists)', (id) => c.stat(id, '/usr/bin/curl')],
    ['read a file', (id) => c.getArchive(id, '/etc/ssl/certs/ca-certificates.crt')],
    ['read a directory', (id) => c.getArchive(id, '/etc/ssl/certs')],
    ['read a missing path', (id) => c.getArchive(id, '/var/lib/trustpatch/manifest.json')],
    ['exec find /', (id) => c.exec(id, find)],
    ['exec curl (untrusted)', (id) => c.exec(id, ['/usr/bin/curl', '-sS', '-o', '/dev/null', url])],
    [
      'write a file',
      (id) => c.putFiles(id, [{ path: '/usr/local/share/ca-certificates/profile.crt', content: ca.pem }]),
    ],
    ['exec update (first)', (id) => c.exec(id, ['/usr/sbin/update-ca-certificates'])],
    ['exec update (again)', (id) => c.exec(id, ['/usr/sbin/update-ca-certificates'])],
    ['exec curl (trusted)', (id) => c.exec(id, ['/usr/bin/curl', '-sS', '-o', '/dev/null', url])],
    ['top', (id) => c.top(id)],
  ];
  console.log(`each operation once in each of ${ids.length} fresh containers, 8 at a time:`);
  for (const [name, op] of ops) {
    const [started, cpu] = [Date.now(), machineCpuMs()];
    await mapLimit(ids, 8, op);
    console.log(
      `  ${name.padEnd(28)} wall ${((Date.now() - started) / ids.length).toFixed(0).padStart(5)} ms  machine CPU ${((machineCpuMs() - cpu) / ids.length).toFixed(0).padStart(5)} ms  (per operation)`,
    );
  }
}

const args = process.argv.slice(2);
const ops = args[0] === 'ops';
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const stores = flag('--stores')?.split(',') as StoreKind[] | undefined;
const count = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? (ops ? 16 : 1));
const ca = await makeCa('trustpatch profile CA');
const server = await startHttpsServer(await makeServerCert(ca));
const ids = (await mapLimit(
  Array.from({ length: count }, (_, i) => i),
  4,
  () => startContainer(testImage('debian-curl')),
)) as string[];
try {
  if (ops) await profileOps(ca, server.url, ids);
  else
    await profileAdd(ca, server.url, ids, {
      check: !args.includes('--no-check'),
      stores,
      concurrency: Number(flag('--concurrency') ?? 8),
    });
} finally {
  await removeContainers(ids);
  await server.close();
  await removeCa(ca);
}
