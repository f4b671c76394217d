import { connectOne } from '../docker/connect.js';
import { NotFoundError, type ContainerClient } from '../docker/container-client.js';
import { hasImages, type ImageClient, type ImageInfo } from '../docker/image-client.js';
import { UserError } from '../errors.js';
import type { EngineOptions } from '../types.js';
import { defaultTag, formatName, parseImageName, type ImageName } from './image-config.js';

/** The one engine an image command works on, pinged, with its image calls. */
export async function openImageEngine(
  options: EngineOptions,
  command: string,
): Promise<{ client: ContainerClient; images: ImageClient }> {
  const client =
    options.client ??
    (options.clients?.length === 1
      ? options.clients[0]!
      : connectOne({ hosts: options.hosts, contexts: options.contexts, env: options.env }, command));
  await client.ping();
  if (!hasImages(client)) throw new Error(`internal: the client for ${client.endpoint} cannot reach images`);
  return { client, images: client.images() };
}

/** IMAGE, or a user error that names it and says how to get it. */
export async function inspectNamed(images: ImageClient, reference: string): Promise<ImageInfo> {
  try {
    return await images.inspectImage(reference);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new UserError(
        `no image ${reference} on this engine: pull or build it first (trustpatch never pulls), or check --host/--context.`,
      );
    throw error;
  }
}

/**
 * NEW's name: `--tag` or the default, refused when the name already exists (IMAGE's own tag
 * included) unless `--force` says to move it.
 */
export async function targetName(
  images: ImageClient,
  reference: string,
  image: ImageInfo,
  tag: string | undefined,
  force: boolean,
): Promise<ImageName> {
  const target = tag === undefined ? defaultTag(reference, image.tags) : parseImageName(tag);
  if (force) return target;
  const name = formatName(target);
  const existing = await images.inspectImage(name).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (existing === undefined) return target;
  const own = existing.id === image.id ? `, which is ${reference} itself` : '';
  throw new UserError(
    `${name} already exists${own}: give another --tag, or --force to move that name to the new image.`,
  );
}
