import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import {
  NotFoundError,
  type ArchiveEntry,
  type ContainerClient,
  type ContainerInfo,
  type ContainerStart,
  type ContainerSummary,
  type ExecOptions,
  type ExecResult,
  type FileToWrite,
  type PathStat,
  type ProcessRow,
} from '../../src/docker/container-client.js';

export type ExecHandler = (
  argv: readonly string[],
  container: FakeContainer,
  options: ExecOptions,
) => Partial<ExecResult> | undefined;

/** An in-memory container: a filesystem of files and links, and what exec does. */
export class FakeContainer {
  readonly files = new Map<string, Buffer>();
  readonly links = new Map<string, string>();
  /** Modes of files written through putFiles. */
  readonly modes = new Map<string, number>();
  readonly execs: (readonly string[])[] = [];
  readonly writes: string[] = [];
  info: ContainerInfo;
  readOnly = false;
  /** What `docker top` lists. */
  processes: ProcessRow[] = [];
  restarts = 0;
  handler: ExecHandler = () => undefined;

  constructor(id: string, name: string, overrides: Partial<ContainerInfo> = {}) {
    this.info = {
      id,
      name,
      image: 'fake:1',
      state: 'running',
      labels: {},
      running: true,
      paused: false,
      restarting: false,
      user: '',
      readOnlyRootfs: false,
      env: [],
      platform: 'linux',
      imageId: `sha256:image-of-${id}`,
      ...overrides,
    };
  }

  write(path: string, content: string | Buffer): this {
    this.files.set(path, Buffer.from(content));
    return this;
  }

  /** The path with links in its parent directories followed (the last part left alone). */
  resolveParents(path: string): string {
    let resolved = '/';
    const parts = path.split('/').filter(Boolean);
    for (const [index, part] of parts.entries()) {
      let next = posix.join(resolved, part);
      for (let hop = 0; index < parts.length - 1 && this.links.has(next) && hop < 40; hop += 1)
        next = posix.resolve(posix.dirname(next), this.links.get(next)!);
      resolved = next;
    }
    return resolved;
  }

  read(path: string): string | undefined {
    return this.files.get(path)?.toString('latin1');
  }
}

/** A ContainerClient over FakeContainers, for unit tests that need no engine. */
export class FakeClient implements ContainerClient {
  readonly containers = new Map<string, FakeContainer>();
  reachable = true;

  /** Unique per client by default: trustpatch's host-side locks are keyed by engine and container id. */
  constructor(readonly endpoint = `fake://${randomBytes(4).toString('hex')}`) {}

  add(container: FakeContainer): FakeContainer {
    this.containers.set(container.info.id, container);
    return container;
  }

  async ping(): Promise<void> {
    if (!this.reachable) throw new Error('unreachable');
  }

  private readonly watchers = new Set<(start: ContainerStart) => void>();

  /** The engine reports a container start to every watcher (as often as called: engines repeat themselves). */
  emitStart(id: string, name = this.containers.get(id)?.info.name ?? id): void {
    for (const watcher of this.watchers) watcher({ id, name, time: Date.now() });
  }

  watchStarts(onStart: (start: ContainerStart) => void, signal: AbortSignal): Promise<void> {
    this.watchers.add(onStart);
    return new Promise((resolve) => {
      const stop = () => {
        this.watchers.delete(onStart);
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  async list(): Promise<ContainerSummary[]> {
    return [...this.containers.values()].map((c) => c.info);
  }

  async inspect(nameOrId: string): Promise<ContainerInfo> {
    return this.get(nameOrId).info;
  }

  async exec(id: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.get(id);
    container.execs.push(argv);
    const handled = container.handler(argv, container, options);
    if (handled) return { argv, exitCode: 0, stdout: '', stderr: '', timedOut: false, ...handled };
    // rm works like the real one when the container has it (the archive API cannot delete).
    if (posix.basename(argv[0]!) === 'rm' && (container.files.has(argv[0]!) || argv[0] === 'rm')) {
      for (const path of argv.slice(argv.indexOf('--') + 1)) {
        container.files.delete(path);
        container.links.delete(path);
        if (argv.includes('-r'))
          for (const file of [...container.files.keys()]) if (file.startsWith(`${path}/`)) container.files.delete(file);
      }
      return { argv, exitCode: 0, stdout: '', stderr: '', timedOut: false };
    }
    return {
      argv,
      exitCode: 127,
      stdout: '',
      stderr: `exec: "${argv[0]}": executable file not found in $PATH`,
      timedOut: false,
    };
  }

  async stat(id: string, path: string): Promise<PathStat | undefined> {
    const entry = this.archive(id, path)?.[0];
    if (entry === undefined) return undefined;
    return { name: posix.basename(path), size: entry.content.length, type: entry.type, linkTarget: entry.linkTarget };
  }

  async getArchive(id: string, requested: string): Promise<ArchiveEntry[] | undefined> {
    return this.archive(id, requested);
  }

  /** What the archive endpoint holds at a path: read by getArchive, and by stat without the content. */
  private archive(id: string, requested: string): ArchiveEntry[] | undefined {
    const container = this.get(id);
    const path = container.resolveParents(requested);
    const link = container.links.get(path);
    if (link !== undefined)
      return [{ name: posix.basename(path), type: 'symlink', content: Buffer.alloc(0), linkTarget: link, mode: 0o777 }];
    const content = container.files.get(path);
    if (content !== undefined) return [{ name: posix.basename(path), type: 'file', content, mode: 0o644 }];
    // Like the engine, a directory comes with its contents, named `<basename>/<relative path>`.
    const inside = [...container.files].filter(([file]) => file.startsWith(`${path}/`));
    const links = [...container.links].filter(([file]) => file.startsWith(`${path}/`));
    if (inside.length === 0 && links.length === 0) return undefined;
    const base = posix.basename(path);
    const files = inside.map(
      ([file, bytes]): ArchiveEntry => ({
        name: `${base}/${file.slice(path.length + 1)}`,
        type: 'file',
        content: bytes,
        mode: container.modes.get(file) ?? 0o644,
      }),
    );
    const linked = links.map(
      ([file, target]): ArchiveEntry => ({
        name: `${base}/${file.slice(path.length + 1)}`,
        type: 'symlink',
        content: Buffer.alloc(0),
        linkTarget: target,
        mode: 0o777,
      }),
    );
    return [{ name: `${base}/`, type: 'directory', content: Buffer.alloc(0), mode: 0o755 }, ...files, ...linked];
  }

  async putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    const container = this.get(id);
    if (container.readOnly) throw new Error('container rootfs is marked read-only');
    for (const file of files) {
      // The engine follows links in parent directories and replaces a link at the path itself.
      const path = container.resolveParents(file.path);
      container.links.delete(path);
      container.files.set(path, Buffer.from(file.content));
      container.modes.set(path, file.mode ?? 0o644);
      container.writes.push(path);
    }
  }

  async top(id: string): Promise<ProcessRow[]> {
    return this.get(id).processes;
  }

  async restart(id: string): Promise<void> {
    this.get(id).restarts += 1;
  }

  private get(nameOrId: string): FakeContainer {
    const found = this.containers.get(nameOrId) ?? [...this.containers.values()].find((c) => c.info.name === nameOrId);
    if (!found) throw new NotFoundError(`container ${nameOrId}`);
    return found;
  }
}
