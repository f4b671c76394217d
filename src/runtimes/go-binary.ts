import type { ContainerClient } from '../docker/container-client.js';

/** Bytes read from the start of an executable: Go's build ID note sits in its first page. */
export const GO_PROBE_BYTES = 32 * 1024;

/**
 * True when the start of an executable marks it as built by Go: the ELF note named "Go" of
 * type 4 (NT_GO_BUILDID) that the Go linker puts at the start of the text segment
 * (cmd/internal/buildid reads only the first 32 KiB for it), or the build-info magic.
 * Only ASCII bytes are compared, so text decoding of the binary does not matter.
 */
export function looksLikeGo(head: string): boolean {
  return head.includes('\x04\x00\x00\x00Go\x00\x00') || head.includes(' Go buildinf:');
}

/** Reads the first GO_PROBE_BYTES of `path` with head (bounded: never the whole binary); undefined when it cannot. */
export async function probeGo(
  client: ContainerClient,
  id: string,
  head: string | undefined,
  path: string,
): Promise<boolean | undefined> {
  if (head === undefined) return undefined;
  const run = await client.exec(id, [head, '-c', String(GO_PROBE_BYTES), path], { timeoutMs: 10_000 });
  if (run.exitCode !== 0) return undefined;
  return looksLikeGo(run.stdout);
}
