import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { SshError } from './ssh-errors.js';

/**
 * One `ssh … docker system dial-stdio` child as the socket of an HTTP connection: what is
 * written goes to its stdin, its stdout is what the engine answers. It carries the few
 * net.Socket methods Node's HTTP client and keep-alive agent call. Every error of the child
 * and its pipes ends here as a destroy(error), so none can go unhandled. When the child ends
 * without a byte sent (ssh refused, master gone, `docker` missing) the error is `failure()`.
 * The socket exists before its child does (`attach`), because Node's Agent counts a socket
 * against maxSockets only once createConnection has handed it over.
 */
export class SshSocket extends Duplex {
  /** Set by the agent: the socket sits in the keep-alive pool. */
  idle = false;
  private answered = false;
  private stderr = '';
  private exited: { code: number | null } | undefined;
  private child: ChildProcessWithoutNullStreams | undefined;
  /** What was asked of the socket before its child existed. */
  private early: { write?: [Buffer, (error?: Error | null) => void]; final?: (error?: Error | null) => void; read?: boolean } = {};

  constructor(private readonly failure: (stderr: string, code: number | null) => SshError) {
    super({ allowHalfOpen: false });
  }

  /** The session's ssh child: from now on bytes flow. */
  attach(child: ChildProcessWithoutNullStreams): void {
    if (this.destroyed) {
      child.kill('SIGTERM');
      return;
    }
    this.child = child;
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
    const { write, final } = this.early;
    this.early = {};
    if (write) this._write(write[0], 'utf8', write[1]);
    if (final) this._final(final);
  }

  /** The end of the answer: a clean end once the child has exited, its reason if it said nothing. */
  private finish(): void {
    if (this.exited === undefined || !this.child?.stdout.readableEnded) return;
    if (!this.answered) this.destroy(this.failure(this.stderr, this.exited.code));
    else this.push(null);
  }

  override _read(): void {
    this.child?.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child === undefined) {
      this.early.write = [chunk, callback];
      return;
    }
    if (this.child.stdin.destroyed) return callback();
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.child === undefined) {
      this.early.final = callback;
      return;
    }
    this.child.stdin.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child !== undefined && this.exited === undefined) this.child.kill('SIGTERM');
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
