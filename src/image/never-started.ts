import type {
  ArchiveEntry,
  ContainerClient,
  ContainerInfo,
  ContainerSummary,
  ExecResult,
  FileToWrite,
  ListFilters,
  PathStat,
  ProcessRow,
} from '../docker/container-client.js';

/**
 * The temporary container of an image with no `sleep` to keep it up: created, never started.
 * The engine reads and writes a created container's filesystem through the archive API like a
 * running one's, so the patch pipeline may treat it as running (`inspect` says so); nothing can
 * run in it, so `exec` refuses (an update command then falls back to the archive-only path)
 * and no process is listed.
 */
export class NeverStartedClient implements ContainerClient {
  constructor(private readonly inner: ContainerClient) {}

  get endpoint(): string {
    return this.inner.endpoint;
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  list(filters?: ListFilters, all?: boolean): Promise<ContainerSummary[]> {
    return this.inner.list(filters, all);
  }

  async inspect(nameOrId: string): Promise<ContainerInfo> {
    const info = await this.inner.inspect(nameOrId);
    return info.state === 'created' ? { ...info, running: true } : info;
  }

  exec(_id: string, argv: readonly string[]): Promise<ExecResult> {
    return Promise.reject(
      new Error(
        `cannot run \`${argv.join(' ')}\`: the image has no sleep, so its temporary container is never started`,
      ),
    );
  }

  stat(id: string, path: string): Promise<PathStat | undefined> {
    return this.inner.stat(id, path);
  }

  getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    return this.inner.getArchive(id, path);
  }

  putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    return this.inner.putFiles(id, files);
  }

  async top(): Promise<ProcessRow[]> {
    return [];
  }

  restart(): Promise<void> {
    return Promise.reject(new Error('the temporary container of an image is never restarted'));
  }
}
