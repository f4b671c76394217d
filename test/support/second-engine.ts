import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throwaway Docker engine for tests that must stop and restart one without disturbing the
 * machine's shared engine: its own data root, exec root, pidfile and socket, and its own
 * network namespace (`unshare --net`). The namespace matters: started with --bridge=none in
 * the host's namespace, dockerd deletes the host's docker0 interface (moby's
 * removeDefaultBridgeInterface), breaking every bridge-networked container of the shared engine.
 * Its containers use `--network none`. Needs root.
 */
export class ThrowawayEngine {
  private pid: number | undefined;

  private constructor(
    readonly dir: string,
    readonly host: string,
    private readonly extraArgs: string[],
  ) {}

  /**
   * `extraArgs` go to dockerd as they are, e.g. `--tlsverify … -H tcp://127.0.0.1:2376` (that
   * port is on the loopback of the engine's own namespace, which is brought up for it).
   */
  static async start(extraArgs: string[] = []): Promise<ThrowawayEngine> {
    const dir = await mkdtemp('/tmp/tp-engine-');
    const engine = new ThrowawayEngine(dir, `unix://${dir}/d.sock`, extraArgs);
    await engine.launch();
    return engine;
  }

  /** Its network namespace (`/proc/PID/ns/net`), where its host-network containers live. */
  get netns(): string {
    if (this.pid === undefined) throw new Error('the throwaway engine is not running');
    return `/proc/${this.pid}/ns/net`;
  }

  /** The docker CLI against this engine. */
  async docker(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const { stdout, stderr } = await run('docker', ['-H', this.host, ...args], { maxBuffer: 64 * 1024 * 1024 });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; code?: number };
      return {
        stdout: failure.stdout ?? '',
        stderr: failure.stderr ?? '',
        code: typeof failure.code === 'number' ? failure.code : 1,
      };
    }
  }

  /** Copies an image from the shared engine (docker save | docker load). */
  async load(image: string): Promise<void> {
    await run('sh', ['-c', 'docker save "$1" | docker -H "$2" load -q', 'sh', image, this.host], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  /** SIGKILL, as a crash would: its containers live on in their shims. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    const containerdPidFile = join(this.dir, 'exec', 'containerd', 'containerd.pid');
    const containerd = Number(await readFile(containerdPidFile, 'utf8').catch(() => ''));
    process.kill(pid, 'SIGKILL');
    await waitUntil(`dockerd ${pid} to exit`, async () => !(await running(pid)));
    // Its containerd dies with it (parent-death signal) but may linger as a zombie, which a new
    // dockerd would take for "containerd is still running" and wait on until it gives up.
    if (containerd > 0) await waitUntil(`containerd ${containerd} to exit`, async () => !(await running(containerd)));
    await rm(containerdPidFile, { force: true });
    this.pid = undefined;
    await rm(join(this.dir, 'd.pid'), { force: true });
  }

  /** Starts it again; with --live-restore it takes its running containers back. */
  async launch(): Promise<void> {
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    const child = spawn(
      'unshare',
      [
        '--net',
        // A new namespace's loopback is down: up, so its containers and a tcp:// listener have one.
        'sh',
        '-c',
        'ip link set lo up && exec "$@"',
        'sh',
        'dockerd',
        '--data-root',
        join(this.dir, 'root'),
        '--exec-root',
        join(this.dir, 'exec'),
        '--pidfile',
        join(this.dir, 'd.pid'),
        '-H',
        this.host,
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
        '--ip-forward=false',
        '--live-restore',
        ...this.extraArgs,
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    child.unref();
    this.pid = child.pid;
    try {
      await waitUntil(
        'the throwaway engine to answer',
        async () => (await this.docker(['version', '--format', '{{.Server.Version}}'])).code === 0,
        120_000,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; its log ends with:\n${(await readFile(join(this.dir, 'dockerd.log'), 'utf8')).split('\n').slice(-15).join('\n')}`,
      );
    }
  }

  /** Removes its containers, stops it, unmounts what it mounted and deletes its directory. */
  async stop(): Promise<void> {
    if (this.pid !== undefined) {
      const ids = (await this.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await this.docker(['rm', '-f', '-v', ...ids]);
      const pid = this.pid;
      if (await running(pid)) process.kill(pid, 'SIGTERM');
      await waitUntil(`dockerd ${pid} to stop`, async () => !(await running(pid)), 60_000).catch(() =>
        process.kill(pid, 'SIGKILL'),
      );
      this.pid = undefined;
    }
    const mounts = (await readFile('/proc/self/mounts', 'utf8'))
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((path) => path.startsWith(`${this.dir}/`) || path === this.dir);
    for (const mount of mounts.sort((a, b) => b.length - a.length))
      await run('umount', ['-l', mount]).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** True while the process exists and is not a zombie. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what} after ${ms / 1000}s`);
}
