import type { Readable } from 'node:stream';

/**
 * The engine calls `image add` and `image status` need beyond ContainerClient: images and the
 * short-lived containers made from them. Part of the one Docker boundary (docs/development.md, code shape rule 1).
 */

/** An image's `Config` exactly as the engine's inspect returns it (Entrypoint, Cmd, User, ...). */
export type ImageConfig = Record<string, unknown>;

export interface ImageInfo {
  /** The content id, `sha256:...`. */
  id: string;
  /** `repo:tag` names pointing at it. */
  tags: string[];
  config: ImageConfig;
  /** The layers' diff ids, base first. */
  layers: string[];
  os: string;
  /** Bytes, all layers together, as the engine reports them. */
  size: number;
}

export interface CreateOptions {
  image: string;
  /** Replaces the image's entrypoint (and then its cmd) when given. */
  entrypoint?: string[];
  cmd?: string[];
  labels: Record<string, string>;
  /** `host`, `bridge`, a network name; the engine's default when absent. */
  network?: string;
}

export interface CommitOptions {
  /** The new image's configuration, sent as the commit's body. */
  config: ImageConfig;
}

export interface ImageClient {
  /** Throws NotFoundError when no image has that name or id. */
  inspectImage(nameOrId: string): Promise<ImageInfo>;
  /** Creates (does not start) a container and returns its id. */
  createContainer(options: CreateOptions): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Commits a container's filesystem as a new, untagged image and returns the image's id. */
  commit(id: string, options: CommitOptions): Promise<string>;
  /** Points `repo:tag` at an image (moving the name if another image had it). */
  tagImage(id: string, repo: string, tag: string): Promise<void>;
  /** Removes a container and its anonymous volumes, running or not; a missing one is fine. */
  removeContainer(id: string): Promise<void>;
  /** Removes an image by id (untags nothing else); a missing one is fine. */
  removeImage(id: string): Promise<void>;
  /** `docker save` of one image: a tar of its config, manifest and layers. */
  saveImage(id: string): Promise<Readable>;
  /** `docker load` of such a tar. */
  loadImage(tar: Readable): Promise<void>;
}

/** A ContainerClient that also reaches the engine's images (DockerodeClient does). */
export interface WithImages {
  images(): ImageClient;
}

export function hasImages(client: object): client is WithImages {
  return typeof (client as Partial<WithImages>).images === 'function';
}
