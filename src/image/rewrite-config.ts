import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import type { ImageConfig } from '../docker/image-client.js';
import { streamToBuffer } from '../docker/tar.js';

/**
 * A saved image (`docker save` / Podman's docker-archive) with its configuration replaced and
 * one name given to it, ready for `docker load`. Layers pass through untouched; the image's
 * `config` object (Entrypoint, Cmd, ...) becomes `config`. Both engines compute the loaded
 * image's id from the config bytes, not from the file's name (moby image/tarexport/load.go).
 *
 * Needed because a commit cannot give an image *no* command: the engine fills an empty Cmd and
 * Entrypoint from the container's (moby daemon/commit.go, merge()).
 */
export function rewriteSavedImage(
  saved: Readable,
  config: ImageConfig,
  name: string,
): { tar: Readable; imageId: Promise<string> } {
  const input = extract();
  const output = pack();
  let resolveId: (id: string) => void = () => {};
  let rejectId: (error: unknown) => void = () => {};
  const imageId = new Promise<string>((resolve, reject) => {
    resolveId = resolve;
    rejectId = reject;
  });
  let found: string | undefined;
  input.on('entry', (header, stream, next) => {
    const top = posix.dirname(header.name) === '.' && header.type === 'file';
    if (top && header.name === 'repositories') {
      // Legacy names of the saved image: the manifest's RepoTags name the new one instead.
      stream.resume();
      stream.on('end', next);
      return;
    }
    if (top && (header.name === 'manifest.json' || isConfigEntry(header.name))) {
      void streamToBuffer(stream)
        .then((content) => {
          const replaced =
            header.name === 'manifest.json' ? renameManifest(content, name) : replaceConfig(content, config);
          if (header.name !== 'manifest.json') found = `sha256:${createHash('sha256').update(replaced).digest('hex')}`;
          output.entry({ ...header, size: replaced.length }, replaced, next);
        })
        .catch((error: unknown) => input.destroy(error as Error));
      return;
    }
    stream.pipe(output.entry(header, next));
  });
  input.on('finish', () => {
    output.finalize();
    if (found === undefined) rejectId(new Error('the saved image held no configuration file'));
    else resolveId(found);
  });
  input.on('error', (error) => {
    rejectId(error);
    // The error travels through `imageId`; the load sees its input cut short.
    output.destroy();
  });
  saved.on('error', (error) => input.destroy(error)).pipe(input);
  return { tar: output as unknown as Readable, imageId };
}

function replaceConfig(content: Buffer, config: ImageConfig): Buffer {
  const image = JSON.parse(content.toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...image, config }));
}

function renameManifest(content: Buffer, name: string): Buffer {
  const manifest = JSON.parse(content.toString('utf8')) as Array<Record<string, unknown>>;
  if (manifest.length !== 1)
    throw new Error(`the saved image's manifest.json lists ${manifest.length} images, not one`);
  return Buffer.from(JSON.stringify([{ ...manifest[0], RepoTags: [name] }]));
}

/** True for the top-level configuration file of a saved image (`<hex>.json`). */
export function isConfigEntry(name: string): boolean {
  return posix.dirname(name) === '.' && name.endsWith('.json') && name !== 'manifest.json';
}
