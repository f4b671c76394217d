import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { SshError } from './ssh-errors.js';

/**
 * One `ssh … docker system dial-stdio` child as the socket of an HTTP connection: what is
 * written goes to its stdin, its stdout is what the engine answers. It carries the few
 * net.Socket methods Node's HTTP client and keep-alive agent call. Every error of the child
 * and its pipes ends here as a destroy(error), so none can go unhandled. When the child ends
 * without a byte sent (ssh refused, master gone, `docker` missing) the error is `failure()`.
 */
export class SshSocket extends Duplex {
  /** Set by the agent: the socket sits in the keep-alive pool. */
  idle = false;
  private answered = false;
  private stderr = '';
  private exited: { code: number | null } | undefined;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly failure: (stderr: string, code: number | null) => SshError,
  ) {
    super({ allowHalfOpen: false });
    child.stdout.on('data', (chunk: Buffer) => {
      this.answered = true;
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stdout.once('end', () => this.finish());
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000)));
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', () => {});
    child.once('error', (error) => this.destroy(error));
    child.once('exit', (code) => {
      this.exited = { code };
      this.finish();
    });
  }

  /** The end of the answer: a clean end once the child has exited, its reason if it said nothing. */
  private finish(): void {
    if (this.exited === undefined || !this.child.stdout.readableEnded) return;
    if (!this.answered) this.destroy(this.failure(this.stderr, this.exited.code));
    else this.push(null);
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child.stdin.destroyed) return callback();
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.exited === undefined) this.child.kill('SIGTERM');
    callback(error);
  }

  // What Node's http client and Agent call on a net.Socket; a pipe has nothing to set.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
