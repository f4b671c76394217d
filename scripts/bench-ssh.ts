/**
 * Benchmark (not a test): the same trustpatch commands on N containers through the local
 * socket and through ssh:// (Debian's sshd on 127.0.0.1 in front of the same engine, see
 * test/support/sshd.ts), side by side in one run, the SSH connections each ssh run opened
 * (from sshd's log), and where the CPU went. Usage: npm run bench:ssh -- [N]   (default 20)
 *
 *   add     add with before/after checks, at the default concurrency and at -j 1
 *   status  status of the patched containers
 *   remove  remove, back to the image's trust store
 *
 * CPU seconds per container, each run: `tp` trustpatch's own process (with the ssh commands it
 * waits for), `ssh` the backgrounded ssh master (sampled from /proc), `sshd` the test sshd and
 * every connection process it reaped, `dockerd` the machine's engine, `machine` all of the
 * machine (other work on it included). `ssh-cpu` is the ssh run's wall time less the ssh and
 * sshd CPU spread over the cores, as a ratio to the local run: an estimate of what the ssh run
 * would take if that CPU were on another machine, valid when the cores were saturated.
 *
 * Traffic stays on 127.0.0.1: the containers use host networking and the check server listens there.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { trustpatch } from '../test/support/cli.js';
import { removeContainers, SESSION_ID, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';
import { Sshd } from '../test/support/sshd.js';
import { machineCpuMs } from './machine-cpu.js';
import { CpuSampler, pidsWith, processCpuMs } from './process-cpu.js';

interface Run {
  ms: number;
  /** CPU ms: trustpatch (reaped children of this process), ssh master, sshd, dockerd, machine. */
  tp: number;
  ssh: number;
  sshd: number;
  dockerd: number;
  machine: number;
}

const count = Number(process.argv[2] ?? 20);
const cores = availableParallelism();
const dockerdPid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
const ca = await makeCa('Bench SSH CA');
const site = await startHttpsServer(await makeServerCert(ca));
const sshd = await Sshd.start();
const label = `trustpatch.bench-ssh=${SESSION_ID}`;
const ids: string[] = [];

/** Runs `work` and says how long it took and where the CPU went meanwhile. */
async function measured(work: () => Promise<{ code: number; stderr: string }>, what: string): Promise<Run> {
  const sshdCpu = () => processCpuMs(sshd.listenerPid!, true) ?? 0;
  const master = new CpuSampler(() => pidsWith(['ControlMaster=yes', 'trustpatch-ssh-']));
  const before = {
    tp: processCpuMs('self', true)! - processCpuMs('self')!,
    sshd: sshdCpu(),
    dockerd: processCpuMs(dockerdPid) ?? 0,
    machine: machineCpuMs(),
  };
  master.start();
  const started = Date.now();
  const result = await work();
  const ms = Date.now() - started;
  const ssh = master.stop();
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr}`);
  // sshd reaps the connection process once the master has gone (ssh -O exit at the run's end).
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    ms,
    tp: processCpuMs('self', true)! - processCpuMs('self')! - before.tp,
    ssh,
    sshd: sshdCpu() - before.sshd,
    dockerd: (processCpuMs(dockerdPid) ?? 0) - before.dockerd,
    machine: machineCpuMs() - before.machine,
  };
}

try {
  for (let i = 0; i < count; i += 1)
    ids.push(await startContainer(testImage('debian-curl'), { labels: { 'trustpatch.bench-ssh': SESSION_ID } }));
  console.log(
    `${count} debian-curl containers, ${cores} cores; seconds per container (whole run / N); SSH connections per ssh run;`,
  );
  console.log('CPU seconds per container: local run | ssh run\n');
  console.log(
    'command          local     ssh  ratio  conn | tp   dockerd machine | tp    ssh  sshd dockerd machine | ssh-cpu',
  );
  for (const [name, args] of [
    ['add', ['add', ca.certPath, '--label', label, '--check-url', site.url]],
    ['status', ['status', '--label', label]],
    ['remove', ['remove', ca.certPath, '--label', label]],
    ['add -j 1', ['add', ca.certPath, '--label', label, '--check-url', site.url, '-j', '1']],
    ['status -j 1', ['status', '--label', label, '-j', '1']],
    ['remove -j 1', ['remove', ca.certPath, '--label', label, '-j', '1']],
  ] as const) {
    const local = await measured(() => trustpatch([...args]), `local ${name}`);
    // Undo the local run so the ssh run does the same work.
    const undo = name.startsWith('add')
      ? ['remove', ca.certPath, '--label', label]
      : name.startsWith('remove')
        ? ['add', ca.certPath, '--label', label]
        : undefined;
    if (undo) await trustpatch(undo);
    const connections = await sshd.connections();
    const remote = await measured(() => sshd.trustpatch([...args, '--host', sshd.host]), `ssh ${name}`);
    const opened = (await sshd.connections()) - connections;
    const s = (ms: number, width = 5) => (ms / 1000 / count).toFixed(2).padStart(width);
    const withoutSsh = (remote.ms - (remote.ssh + remote.sshd) / cores) / local.ms;
    console.log(
      [
        `${name.padEnd(12)} ${s(local.ms, 7)} ${s(remote.ms, 7)} ${(remote.ms / local.ms).toFixed(2).padStart(5)}x ${String(opened).padStart(4)}`,
        `${s(local.tp)} ${s(local.dockerd, 7)} ${s(local.machine, 7)}`,
        `${s(remote.tp)} ${s(remote.ssh)} ${s(remote.sshd)} ${s(remote.dockerd, 7)} ${s(remote.machine, 7)}`,
        `${withoutSsh.toFixed(2).padStart(6)}x`,
      ].join(' | '),
    );
  }
} finally {
  await removeContainers(ids);
  await sshd.stop();
  await site.close();
  await removeCa(ca);
}
