import type {
  ArchiveEntry,
  ContainerClient,
  ContainerInfo,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  FileToWrite,
  ListFilters,
  PathStat,
  ProcessRow,
} from './container-client.js';

/** A container's time budget (`--timeout`) ran out. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms / 1000}s (--timeout); a command may still be running inside the container`);
    this.name = 'TimeoutError';
  }
}

/**
 * A ContainerClient that gives one container a total time budget, so a hung container never
 * holds up the others beyond its own timeout. When the budget runs out the current call fails
 * with TimeoutError and a second, fixed grace budget starts: enough for the rollback.
 */
export class DeadlineClient implements ContainerClient {
  private deadline: number;
  private expired = false;

  constructor(
    private readonly inner: ContainerClient,
    private readonly budgetMs: number,
    private readonly graceMs = 60_000,
  ) {
    this.deadline = Date.now() + budgetMs;
  }

  get endpoint(): string {
    return this.inner.endpoint;
  }

  ping(): Promise<void> {
    return this.race(() => this.inner.ping());
  }

  list(filters?: ListFilters, all?: boolean): Promise<ContainerSummary[]> {
    return this.race(() => this.inner.list(filters, all));
  }

  inspect(nameOrId: string): Promise<ContainerInfo> {
    return this.race(() => this.inner.inspect(nameOrId));
  }

  async exec(id: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.race((left) =>
      this.inner.exec(id, argv, { ...options, timeoutMs: Math.min(options.timeoutMs ?? left, left) }),
    );
    if (result.timedOut && Date.now() >= this.deadline) throw this.expire();
    return result;
  }

  stat(id: string, path: string): Promise<PathStat | undefined> {
    return this.race(() => this.inner.stat(id, path));
  }

  getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    return this.race(() => this.inner.getArchive(id, path));
  }

  putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    return this.race(() => this.inner.putFiles(id, files));
  }

  top(id: string): Promise<ProcessRow[]> {
    return this.race(() => this.inner.top(id));
  }

  restart(id: string, timeoutSeconds?: number): Promise<void> {
    return this.race(() => this.inner.restart(id, timeoutSeconds));
  }

  private async race<T>(work: (leftMs: number) => Promise<T>): Promise<T> {
    const left = this.deadline - Date.now();
    if (left <= 0) throw this.expire();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(this.expire()), left);
    });
    try {
      return await Promise.race([work(left), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The first expiry starts the grace budget; later ones (rollback too slow) just fail. */
  private expire(): TimeoutError {
    if (!this.expired) {
      this.expired = true;
      this.deadline = Date.now() + this.graceMs;
    }
    return new TimeoutError(this.budgetMs);
  }
}
