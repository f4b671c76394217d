import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { Duplex, type Readable, type Writable } from 'node:stream';
import type { SshError } from './ssh-errors.js';

/**
 * One HTTP connection to an ssh:// engine: a channel of the master, either the engine socket
 * it forwards (a local unix socket, `attachSocket`) or an `ssh … docker system dial-stdio`
 * child (`attachChild`: what is written goes to its stdin, its stdout is the engine's answer).
 * It exists before what carries it does, because Node's Agent counts a socket against
 * maxSockets only once createConnection has handed it over; what is written meanwhile waits.
 * It carries the few net.Socket methods Node's HTTP client and keep-alive agent call. Every
 * error of the child, its pipes or the socket ends here as a destroy(error), so none can go
 * unhandled. A child that ends without a byte sent (ssh refused, master gone, no `docker`)
 * destroys it with `failure()`.
 */
export class SshSocket extends Duplex {
  /** Set by the agent: the socket sits in the keep-alive pool. */
  idle = false;
  private answered = false;
  private input: Writable | undefined;
  private output: Readable | undefined;
  private stop: (() => void) | undefined;
  private early: { write?: [Buffer, (error?: Error | null) => void]; final?: (error?: Error | null) => void } = {};

  constructor(private readonly failure: (stderr: string, code: number | null) => SshError) {
    super({ allowHalfOpen: false });
  }

  attachSocket(socket: Socket): void {
    socket.on('error', (error) => this.destroy(error));
    this.link(socket, socket, () => socket.destroy());
    socket.once('end', () => this.push(null));
  }

  attachChild(child: ChildProcessWithoutNullStreams): void {
    let stderr = '';
    let exited: number | null | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', () => {});
    child.once('error', (error) => this.destroy(error));
    // The end of the answer: a clean end once the child has exited, its reason if it said nothing.
    const finish = () => {
      if (exited === undefined || !child.stdout.readableEnded) return;
      if (!this.answered) this.destroy(this.failure(stderr, exited));
      else this.push(null);
    };
    child.stdout.once('end', finish);
    child.once('exit', (code) => {
      exited = code;
      finish();
    });
    this.link(child.stdin, child.stdout, () => exited === undefined && child.kill('SIGTERM'));
  }

  private link(input: Writable, output: Readable, stop: () => void): void {
    if (this.destroyed) {
      stop();
      return;
    }
    this.input = input;
    this.output = output;
    this.stop = stop;
    output.on('data', (chunk: Buffer) => {
      this.answered = true;
      if (!this.push(chunk)) output.pause();
    });
    const { write, final } = this.early;
    this.early = {};
    if (write) this._write(write[0], 'utf8', write[1]);
    if (final) this._final(final);
  }

  override _read(): void {
    this.output?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.input === undefined) {
      this.early.write = [chunk, callback];
      return;
    }
    if (this.input.destroyed) {
      callback();
      return;
    }
    this.input.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.input === undefined) {
      this.early.final = callback;
      return;
    }
    this.input.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop?.();
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
