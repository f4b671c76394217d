import type { ImageClient, ImageConfig, ImageInfo } from '../docker/image-client.js';
import { configDifferences, formatName, type ImageName } from './image-config.js';
import { rewriteSavedImage } from './rewrite-config.js';

/** What the commit wrote, and how the configuration was made IMAGE's. */
export interface Committed {
  id: string;
  /** `commit`: the engine's commit kept the configuration; `rewritten`: it was set by a save, a rewrite and a load. */
  config: 'commit' | 'rewritten';
  /** Bytes the new layer adds: the new image's size minus IMAGE's, as the engine reports them. */
  layerBytes: number;
}

/**
 * Commits the patched container with `config` (IMAGE's plus the CA label) as an untagged image,
 * makes sure its configuration is exactly that, and only then gives it `name`. A commit fills
 * an empty Cmd or Entrypoint from the container's own `sleep` (moby daemon/commit.go, merge()),
 * and an engine may ignore the commit's body; then the configuration is set by a save, a
 * rewrite of the config and a load. Whatever fails, no half-made image keeps the name.
 */
export async function commitPatched(
  images: ImageClient,
  containerId: string,
  image: ImageInfo,
  name: ImageName,
  config: ImageConfig,
): Promise<Committed> {
  const committed = await images.inspectImage(await images.commit(containerId, { config }));
  try {
    if (configDifferences(config, committed.config).length === 0) {
      await images.tagImage(committed.id, name.repo, name.tag);
      return { id: committed.id, config: 'commit', layerBytes: layerBytes(committed, image) };
    }
    const { tar, imageId } = rewriteSavedImage(await images.saveImage(committed.id), config, formatName(name));
    const [, expected] = await Promise.all([images.loadImage(tar), imageId]);
    const loaded = await images.inspectImage(expected);
    const left = configDifferences(config, loaded.config);
    if (left.length > 0) await images.removeImage(loaded.id);
    if (left.length > 0)
      throw new Error(`the engine changed the new image's configuration (${left.join(', ')}) when loading it`);
    return { id: loaded.id, config: 'rewritten', layerBytes: layerBytes(loaded, image) };
  } finally {
    // Untagged by now in the rewrite path (or named NEW, then kept: removeImage by id of a tagged image fails harmlessly).
    if (
      !(await images.inspectImage(committed.id).then(
        (i) => i.tags.length > 0,
        () => true,
      ))
    )
      await images.removeImage(committed.id);
  }
}

function layerBytes(created: ImageInfo, image: ImageInfo): number {
  return Math.max(0, created.size - image.size);
}
