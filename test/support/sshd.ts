import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BIN, type CliResult } from './cli.js';
import { engineEnv, engineSocket } from './engine.js';

const run = promisify(execFile);
const ENSURE = fileURLToPath(new URL('../../../scripts/ensure-sshd.sh', import.meta.url));

/**
 * A real OpenSSH server (Debian's sshd, from scripts/ensure-sshd.sh) in front of the engine
 * under test, on a free port of 127.0.0.1, with its own sshd_config, host key, authorized_keys
 * and a VERBOSE log the test reads; default limits otherwise (MaxStartups 10:30:100,
 * MaxSessions 10). The machine's sshd and root's ~/.ssh are never touched: the client side
 * (~/.ssh/config, known_hosts, keys) lives in `home`, which `trustpatch()` binds over /root in
 * a private mount namespace, because OpenSSH finds ~ from the passwd entry, not $HOME.
 */
export class Sshd {
  private pid: number | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly binary: string,
  ) {}

  /** The listening sshd's pid: every connection process is its child, waited for by it (benchmarks read its CPU). */
  get listenerPid(): number | undefined {
    return this.pid;
  }

  /** `ssh://root@127.0.0.1:PORT` (the key is ~/.ssh/id_ed25519, the host in known_hosts). */
  get host(): string {
    return `ssh://root@127.0.0.1:${this.port}`;
  }

  /** The client's /root: .ssh with id_ed25519, known_hosts and a config with Host alias `tp-engine` (its own key file). */
  get home(): string {
    return join(this.dir, 'home');
  }

  static async start(): Promise<Sshd> {
    const { stdout } = await run('bash', [ENSURE], { maxBuffer: 1 << 20 });
    const binary = stdout.trim().split('\n').pop() ?? '';
    const dir = await mkdtemp('/tmp/tp-sshd-');
    await chmod(dir, 0o700);
    const sshd = new Sshd(dir, await freePort(), binary);
    await sshd.configure();
    await sshd.launch();
    return sshd;
  }

  private async configure(): Promise<void> {
    const ssh = join(this.home, '.ssh');
    await mkdir(ssh, { recursive: true, mode: 0o700 });
    await run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'trustpatch-test-host',
      '-f',
      join(this.dir, 'host_ed25519'),
    ]);
    await run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'trustpatch-test-client',
      '-f',
      join(ssh, 'id_ed25519'),
    ]);
    for (const name of ['alias_key', 'nodocker_key', 'unauthorized_key'])
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        `trustpatch-test-${name}`,
        '-f',
        join(ssh, name),
      ]);
    const hostKey = (await readFile(join(this.dir, 'host_ed25519.pub'), 'utf8')).trim();
    const publicKey = async (name: string) => (await readFile(join(ssh, `${name}.pub`), 'utf8')).trim();
    // The remote `docker` talks to the engine under test (Docker or Podman), as set per key;
    // nodocker_key logs in with a PATH that has no docker.
    const env = `environment="DOCKER_HOST=unix://${engineSocket()}"`;
    const keys = [
      `${env} ${await publicKey('id_ed25519')}`,
      `${env} ${await publicKey('alias_key')}`,
      `environment="PATH=/nowhere" ${await publicKey('nodocker_key')}`,
    ];
    await writeFile(join(this.dir, 'authorized_keys'), `${keys.join('\n')}\n`, { mode: 0o600 });
    await writeFile(join(ssh, 'known_hosts'), `[127.0.0.1]:${this.port} ${hostKey}\n`);
    // Host aliases: tp-engine (non-default port, its own key); the others fail one way each.
    const alias = (name: string, lines: string[]) =>
      [
        `Host ${name}`,
        '  HostName 127.0.0.1',
        `  Port ${this.port}`,
        '  User root',
        '  IdentitiesOnly yes',
        ...lines.map((line) => `  ${line}`),
      ].join('\n');
    const aliases = [
      alias('tp-engine', ['IdentityFile ~/.ssh/alias_key']),
      alias('tp-unknown-host', ['IdentityFile ~/.ssh/alias_key', 'UserKnownHostsFile ~/.ssh/known_hosts_empty']),
      alias('tp-refused', ['IdentityFile ~/.ssh/unauthorized_key']),
      alias('tp-no-docker', ['IdentityFile ~/.ssh/nodocker_key']),
    ];
    await writeFile(join(ssh, 'config'), `${aliases.join('\n')}\n`);
    const config = [
      `Port ${this.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(this.dir, 'host_ed25519')}`,
      `PidFile ${join(this.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'PermitUserEnvironment DOCKER_HOST,PATH',
      'LogLevel VERBOSE',
      'Subsystem sftp none',
    ];
    await writeFile(join(this.dir, 'sshd_config'), `${config.join('\n')}\n`);
    // sshd needs its privilege-separation user, which only openssh-server's postinst would add
    // to the machine's /etc/passwd: sshd sees a copy with it instead (its own mount namespace),
    // as the upper layer of an overlay on /etc (see launch).
    const passwd = await readFile('/etc/passwd', 'utf8');
    const sshdUser = /^sshd:/m.test(passwd)
      ? ''
      : 'sshd:x:64999:65534:trustpatch test sshd:/run/sshd:/usr/sbin/nologin\n';
    await mkdir(join(this.dir, 'etc-upper'));
    await writeFile(join(this.dir, 'etc-upper', 'passwd'), `${passwd.replace(/\n?$/, '\n')}${sshdUser}`);
  }

  /** Starts sshd (again); resolves once it listens. */
  async launch(): Promise<void> {
    const log = openSync(this.logPath, 'a');
    const argv = [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      // An overlay on the directory, not a bind mount on the file: when the machine's
      // /etc/passwd is replaced (useradd, a package adding its user: rename(2) over it), a
      // mount on the old file is cut off in sshd's namespace, sshd loses its privsep user and
      // resets every new connection ("Privilege separation user sshd does not exist", seen
      // while apt-get installed docker-registry beside a run).
      'rm -rf "$0/etc-work" && mkdir "$0/etc-work" && mount -t overlay overlay -o "lowerdir=/etc,upperdir=$0/etc-upper,workdir=$0/etc-work" /etc && exec "$@"',
      this.dir,
      this.binary,
      '-D',
      '-e',
      '-f',
      join(this.dir, 'sshd_config'),
    ];
    const child = spawn('unshare', argv, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    this.pid = child.pid;
    const mark = `Server listening on 127.0.0.1 port ${this.port}`;
    const until = Date.now() + 30_000;
    while (!(await this.log()).includes(mark)) {
      if (Date.now() > until) throw new Error(`sshd did not start; its log:\n${await this.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The SHA256 fingerprint of a client key in home/.ssh, as sshd logs it. */
  async fingerprint(name: string): Promise<string> {
    const { stdout } = await run('ssh-keygen', ['-l', '-f', join(this.home, '.ssh', `${name}.pub`)]);
    return stdout.split(' ')[1] ?? '';
  }

  get logPath(): string {
    return join(this.dir, 'sshd.log');
  }

  log(): Promise<string> {
    return readFile(this.logPath, 'utf8').catch(() => '');
  }

  /** SSH connections sshd accepted so far (its VERBOSE "Connection from" lines). */
  async connections(): Promise<number> {
    return (await this.log())
      .split('\n')
      .filter((line) => /Connection from 127\.0\.0\.1 port \d+ on 127\.0\.0\.1 port/.test(line)).length;
  }

  /** SIGKILL to sshd and every connection process it forked, as a crash of the host's sshd would be. */
  async kill(): Promise<void> {
    if (this.pid === undefined) return;
    for (const pid of [...(await descendants(this.pid)), this.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.pid = undefined;
  }

  /** bin/trustpatch with `home` as /root (private mount namespace), no ssh-agent. */
  trustpatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.startTrustpatch(args, env).done;
  }

  /** The same, without waiting: for tests that act while it runs. */
  startTrustpatch(args: string[], env: NodeJS.ProcessEnv = {}): { done: Promise<CliResult> } {
    const argv = [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" /root && exec "$@"',
      this.home,
      BIN,
      ...args,
    ];
    const full: NodeJS.ProcessEnv = { ...process.env, ...engineEnv(), HOME: '/root', SSH_AUTH_SOCK: '', ...env };
    if (env.TRUSTPATCH_CHECK_URL === undefined) delete full.TRUSTPATCH_CHECK_URL;
    const child = spawn('unshare', argv, { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return {
      done: new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }))),
    };
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every process below `pid`, from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid > 0) parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}
