import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Modem from 'docker-modem';
import { ExecOutput } from '../../src/docker/exec-stream.js';
import { streamToBuffer } from '../../src/docker/tar.js';

/** One frame of the engine's multiplexed stream. */
function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** `bytes` cut at `cuts` (offsets), as a socket may deliver them. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return at.slice(1).map((end, i) => bytes.subarray(at[i], end));
}

function ours(chunks: Buffer[]): { stdout: Buffer; stderr: Buffer } {
  const output = new ExecOutput();
  for (const chunk of chunks) output.push(chunk);
  return output.streams();
}

/** What docker-modem's demuxStream makes of the same chunks (the library this replaces). */
async function library(chunks: Buffer[]): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const source = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  new Modem().demuxStream(source, stdout, stderr);
  const both = Promise.all([streamToBuffer(stdout), streamToBuffer(stderr)]);
  for (const chunk of chunks) source.write(chunk);
  source.end();
  await new Promise((resolve) => source.on('end', resolve).resume());
  stdout.end();
  stderr.end();
  const [out, err] = await both;
  return { stdout: out, stderr: err };
}

describe("an exec's multiplexed output, split into its two streams", () => {
  it('gives what docker-modem gives, byte for byte, however the frames are cut into chunks', async () => {
    for (let round = 0; round < 200; round += 1) {
      const frames: Buffer[] = [];
      const count = 1 + (round % 7);
      for (let i = 0; i < count; i += 1)
        frames.push(
          frame(1 + ((round + i) % 2), randomBytes(Math.floor(Math.random() * (round % 3 === 0 ? 20_000 : 40)))),
        );
      const bytes = Buffer.concat(frames);
      const cuts = Array.from({ length: round % 11 }, () => Math.floor(Math.random() * bytes.length));
      const chunks = chunked(bytes, cuts);
      const expected = await library(chunks);
      const got = ours(chunks);
      assert.ok(got.stdout.equals(expected.stdout), `stdout differs in round ${round} (cuts ${cuts})`);
      assert.ok(got.stderr.equals(expected.stderr), `stderr differs in round ${round} (cuts ${cuts})`);
    }
  });

  it('a header cut at every byte, and a frame of length 0', () => {
    const bytes = Buffer.concat([
      frame(1, Buffer.from('out')),
      frame(2, Buffer.alloc(0)),
      frame(2, Buffer.from('err')),
    ]);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const got = ours(chunked(bytes, [cut]));
      assert.equal(got.stdout.toString(), 'out', `cut at ${cut}`);
      assert.equal(got.stderr.toString(), 'err', `cut at ${cut}`);
    }
    const oneByOne = ours([...bytes].map((byte) => Buffer.from([byte])));
    assert.deepEqual([oneByOne.stdout.toString(), oneByOne.stderr.toString()], ['out', 'err']);
  });

  it('a stream that is not multiplexed (another stream number) is standard output from there on, as with docker-modem', async () => {
    const bytes = Buffer.concat([frame(2, Buffer.from('warn\n')), Buffer.from('plain text, no frames at all')]);
    const chunks = chunked(bytes, [3, 15]);
    const got = ours(chunks);
    assert.equal(got.stderr.toString(), 'warn\n');
    assert.equal(got.stdout.toString(), 'plain text, no frames at all');
    const expected = await library(chunks);
    assert.ok(got.stdout.equals(expected.stdout) && got.stderr.equals(expected.stderr));
  });
});
