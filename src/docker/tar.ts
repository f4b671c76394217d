import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import type { ArchiveEntry, FileToWrite } from './container-client.js';

/**
 * Files (and links, where `linkTarget` is set) as a tar archive meant to be extracted at `/`.
 * Only file and link entries are written, never directory entries: the engine then creates
 * missing parents itself and leaves the mode and owner of existing directories alone.
 */
export async function packFiles(files: readonly FileToWrite[]): Promise<Buffer> {
  const archive = pack();
  for (const file of files) {
    const name = entryName(file.path);
    const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date() };
    if (file.linkTarget !== undefined)
      archive.entry({ name, type: 'symlink', linkname: file.linkTarget, mode: 0o777, ...owner });
    else archive.entry({ name, mode: file.mode ?? 0o644, ...owner }, toBuffer(file.content));
  }
  archive.finalize();
  return streamToBuffer(archive);
}

/**
 * The tar entry name for an absolute path. Only a plain absolute path is accepted (normalized,
 * no `..`, no NUL, not a directory): extracted at `/`, its entry cannot land anywhere else.
 * The engine also refuses entries that climb out of the destination (moby's pkg/archive
 * "breakout" check); this one holds whatever engine is at the other end.
 */
export function entryName(path: string): string {
  const plain =
    path.startsWith('/') &&
    path !== '/' &&
    !path.endsWith('/') &&
    !path.includes('\0') &&
    posix.normalize(path) === path &&
    !path.split('/').includes('..');
  if (!plain)
    throw new Error(`refusing to write ${JSON.stringify(path)} into a container: not a plain absolute file path`);
  return path.slice(1);
}

/** Every entry of a tar archive, with file contents. */
export async function unpackEntries(tar: Readable): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const header = entry.header;
      const content = await streamToBuffer(entry);
      entries.push({
        name: header.name,
        type:
          header.type === 'file' || header.type === 'directory' || header.type === 'symlink' ? header.type : 'other',
        content,
        linkTarget: header.linkname ?? undefined,
        mode: header.mode ?? 0,
      });
    }
  })();
  tar.pipe(reader);
  await done;
  return entries;
}

export async function streamToBuffer(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  // One chunk (a tar entry read from an archive held whole) is kept as it is: Buffer.concat would copy it.
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function toBuffer(content: Buffer | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}
