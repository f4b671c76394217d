import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/io.js';

/** An Io whose output is collected, for driving main() in unit tests. */
export function captureIo(env: NodeJS.ProcessEnv = {}): Io & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.out.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.err.push(chunk));
  return {
    stdout,
    stderr,
    env,
    columns: 100,
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}
