/**
 * Splits an exec's output stream (Tty off) into standard output and standard error as it
 * arrives. The engine multiplexes both in frames: an 8-byte header (the stream: 1 standard
 * output, 2 standard error; three zero bytes; the length, a big-endian uint32), then that many
 * bytes (0, standard input, never comes back; docker-modem counts it as standard error, and so
 * does this) ("Stream format" under "Attach to a container" in the Engine API reference,
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerAttach;
 * Podman's compat API speaks the same).
 *
 * docker-modem's demuxStream (lib/modem.js) reads the same frames, but concatenates each chunk
 * to what it holds and copies the rest of its buffer at every frame: a 300 KB tar archive that
 * the engine sends in 10 KB frames and 64 KB chunks costs it several times the archive in
 * copies, and an add reads three such archives a container (issue 17: the peak memory follows
 * that garbage). Here a frame's bytes stay views of the chunks they came in; only a header split
 * across two chunks is copied, and each stream is joined once at the end. As docker-modem does,
 * a header naming another stream (a stream that is not multiplexed) makes the rest of it, that
 * header included, standard output.
 */
export class ExecOutput {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  /** The bytes of a header so far (fewer than 8 only when it was split across chunks). */
  private header: Buffer = Buffer.alloc(0);
  /** The stream of the frame being read, and how many of its bytes are still to come. */
  private current: Buffer[] = this.out;
  private left = 0;
  private raw = false;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.raw) {
        this.out.push(chunk.subarray(at));
        return;
      }
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - at);
        this.current.push(chunk.subarray(at, at + take));
        at += take;
        this.left -= take;
        continue;
      }
      const part = chunk.subarray(at, at + 8 - this.header.length);
      at += part.length;
      this.header = this.header.length === 0 ? part : Buffer.concat([this.header, part]);
      if (this.header.length < 8) return;
      const stream = this.header[0];
      if (stream !== 0 && stream !== 1 && stream !== 2) {
        this.raw = true;
        this.out.push(this.header);
      } else {
        this.current = stream === 1 ? this.out : this.err;
        this.left = this.header.readUInt32BE(4);
      }
      this.header = Buffer.alloc(0);
    }
  }

  /** Both streams so far, each joined once. */
  streams(): { stdout: Buffer; stderr: Buffer } {
    return { stdout: Buffer.concat(this.out), stderr: Buffer.concat(this.err) };
  }
}
