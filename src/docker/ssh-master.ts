import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitArgs, forwardArgs, masterArgs, probeArgs, type SshTarget } from './ssh-args.js';
import { sshFailure, sshMissing, type SshError } from './ssh-errors.js';

/** Seconds an orphaned master (trustpatch killed) outlives its last session. */
const PERSIST_SECONDS = 30;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 8_000;

/**
 * The one SSH connection of an engine for the whole run (OpenSSH connection sharing): started
 * on first use, started again when it died, one start at a time and after a bounded backoff
 * (0.5 s doubling to 8 s) when the previous start failed, so a fleet never opens more than one
 * handshake per engine at once. The socket lives in a private 0700 temp directory; the master
 * is told to exit when the process exits.
 */
export class SshMaster {
  private dir: string | undefined;
  private starting: Promise<void> | undefined;
  private up = false;
  /**
   * The remote engine's socket, forwarded to a local one by the master, when the remote
   * `docker` uses a unix socket; else connections run `docker system dial-stdio`.
   */
  forwarded: string | undefined;
  private failures = 0;
  private lastFailureAt = 0;

  constructor(
    readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv,
    readonly ssh = 'ssh',
  ) {}

  /** The master's socket, in a directory made on first use. */
  get controlPath(): string {
    if (this.dir === undefined) {
      // Under /tmp unless TMPDIR is short: a unix socket path must stay under 108 bytes.
      this.dir = mkdtempSync(join(tmpdir().length < 60 ? tmpdir() : '/tmp', 'trustpatch-ssh-'));
      process.once('exit', () => this.close());
    }
    return join(this.dir, 'master');
  }

  /** Resolves once a master is up (starting one if needed); rejects with ssh's reason. */
  ready(): Promise<void> {
    if (this.up) return Promise.resolve();
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** A session found the master gone (sshd killed, connection lost): start anew next time. */
  lost(): void {
    this.up = false;
    this.forwarded = undefined;
  }

  private async start(): Promise<void> {
    if (this.failures > 0) {
      const wait =
        Math.min(BACKOFF_FIRST_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS) - (Date.now() - this.lastFailureAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (this.dir !== undefined) this.stopOld();
    try {
      await this.run(masterArgs(this.target, this.controlPath, PERSIST_SECONDS));
      this.forwarded = await this.forward();
      this.up = true;
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.lastFailureAt = Date.now();
      throw error;
    }
  }

  /** The forwarded socket's path, or undefined when the remote engine is not a unix socket or the probe failed. */
  private async forward(): Promise<string | undefined> {
    const endpoint = (await this.run(probeArgs(this.target, this.controlPath)).catch(() => '')).trim();
    if (!endpoint.startsWith('unix:///')) return undefined;
    const local = join(this.dir!, 'docker.sock');
    await this.run(forwardArgs(this.target, this.controlPath, local, endpoint.slice('unix://'.length)));
    return local;
  }

  /** Runs ssh until its foreground process exits (with ControlPersist, once the master is up) and gives its stdout. */
  private run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const child = spawn(this.ssh, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', (error: NodeJS.ErrnoException) => reject(sshMissing(error)));
      // 'close', not 'exit': the probe's stdout must be read to its end. A backgrounded master
      // has put its stdio on /dev/null (ssh.c fork_postauth), so the pipes close too.
      child.once('close', (code) =>
        code === 0 ? resolve(stdout) : reject(sshFailure(this.target, stderr, code) satisfies SshError),
      );
    });
  }

  /** A master that stopped answering may still hold the socket: ask it to go first. */
  private stopOld(): void {
    spawnSync(this.ssh, exitArgs(this.target, this.controlPath), { env: this.env, stdio: 'ignore', timeout: 5_000 });
    // A socket left behind would make the next master run without sharing ("already exists").
    rmSync(this.controlPath, { force: true });
  }

  /** Ends the master and removes its directory; safe to call more than once. */
  close(): void {
    this.up = false;
    if (this.dir === undefined) return;
    this.stopOld();
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
