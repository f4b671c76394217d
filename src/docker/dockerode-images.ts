import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, statusCode } from './engine-errors.js';
import { NotFoundError } from './container-client.js';
import type { CommitOptions, CreateOptions, ImageClient, ImageInfo } from './image-client.js';
import { streamToBuffer } from './tar.js';

/** ImageClient over dockerode: plain objects out, the engine's 404s as NotFoundError or no-ops. */
export class DockerodeImages implements ImageClient {
  constructor(private readonly docker: Dockerode) {}

  async inspectImage(nameOrId: string): Promise<ImageInfo> {
    let data: Dockerode.ImageInspectInfo;
    try {
      data = await this.docker.getImage(nameOrId).inspect();
    } catch (error) {
      if (statusCode(error) === 404) throw new NotFoundError(`image ${nameOrId}`);
      throw error;
    }
    return {
      id: data.Id,
      tags: data.RepoTags ?? [],
      config: (data.Config ?? {}) as unknown as Record<string, unknown>,
      layers: data.RootFS?.Layers ?? [],
      os: data.Os ?? 'linux',
      size: data.Size ?? 0,
    };
  }

  async createContainer(options: CreateOptions): Promise<string> {
    const container = await this.docker.createContainer({
      Image: options.image,
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      ...(options.cmd ? { Cmd: options.cmd } : {}),
      Labels: options.labels,
      HostConfig: options.network ? { NetworkMode: options.network } : {},
    });
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async commit(id: string, options: CommitOptions): Promise<string> {
    // POST /commit takes the new image's config as its body: docker-modem sends `_body` as the
    // body and `_query` as the query string (docker-modem lib/modem.js, buildRequest).
    const query = { container: id, pause: true };
    const answer = (await this.docker.getContainer(id).commit({ _query: query, _body: options.config })) as {
      Id?: string;
      id?: string;
    };
    return answer.Id ?? answer.id ?? '';
  }

  async tagImage(id: string, repo: string, tag: string): Promise<void> {
    await this.docker.getImage(id).tag({ repo, tag });
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      // 404: already gone (Podman 4.3 may say 500 "no such container"); 409: a removal is already in progress.
      const gone = statusCode(error) === 404 || statusCode(error) === 409 || /no such container/i.test(describe(error));
      if (!gone) throw error;
    }
  }

  async removeImage(id: string): Promise<void> {
    try {
      await this.docker.getImage(id).remove({ noprune: false });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }

  async saveImage(id: string): Promise<Readable> {
    return (await this.docker.getImage(id).get()) as Readable;
  }

  async loadImage(tar: Readable): Promise<void> {
    const answer = (await this.docker.loadImage(tar, { quiet: true })) as Readable;
    // The engine streams JSON progress; an error arrives as {"error": ...} in that stream.
    const text = (await streamToBuffer(answer)).toString('utf8');
    const failure = /"error(?:Detail)?"\s*:\s*(?:\{\s*"message"\s*:\s*)?"([^"]*)"/.exec(text);
    if (failure) throw new Error(`the engine refused to load the image: ${failure[1]}`);
  }
}
