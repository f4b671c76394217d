import { findProgram } from '../check/clients.js';
import type { ContainerClient } from '../docker/container-client.js';
import type { ImageClient, ImageInfo } from '../docker/image-client.js';
import { CA_LABEL, TEMPORARY_VALUE } from './image-config.js';

/** The container `image add` patches in place of a running one; always removed at the end. */
export interface Temporary {
  id: string;
  /** False when the image has no sleep: the container is patched through the archive API only. */
  started: boolean;
}

/** Long enough for the patch; if trustpatch is killed outright the container still ends by itself. */
export function waitSeconds(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 1000) + 600;
}

/**
 * Creates a container of `image` whose process only waits (`sleep N` in place of the
 * entrypoint, or of the cmd when there is no entrypoint, so the commit keeps IMAGE's), and
 * starts it when the image has a `sleep`. `onCreated` hears the id at once, so that an
 * interruption can remove it.
 */
export async function createTemporary(
  client: ContainerClient,
  images: ImageClient,
  image: ImageInfo,
  options: { timeoutMs: number; network?: string; onCreated: (id: string) => void },
): Promise<Temporary> {
  const wait = ['sleep', String(waitSeconds(options.timeoutMs))];
  const hasEntrypoint = Array.isArray(image.config.Entrypoint) && image.config.Entrypoint.length > 0;
  const id = await images.createContainer({
    image: image.id,
    ...(hasEntrypoint ? { entrypoint: [wait[0]!], cmd: wait.slice(1) } : { cmd: wait }),
    // One label only: the commit would carry any other into the new image.
    labels: { [CA_LABEL]: TEMPORARY_VALUE },
    network: options.network,
  });
  options.onCreated(id);
  if ((await findProgram(client, id, 'sleep')) === undefined) return { id, started: false };
  await images.startContainer(id);
  return { id, started: true };
}
