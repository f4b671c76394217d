/**
 * The one boundary between trustpatch and a container engine (docs/development.md, code shape rule 1). Everything
 * outside src/docker talks to this interface and gets plain objects back; unit tests hand in
 * a fake, integration tests the real engine.
 */

export interface ExecOptions {
  /** Defaults to `0`: trust stores under /etc are root's, whatever user the image runs as. */
  user?: string;
  env?: string[];
  /** Bytes written to the command's standard input, which is then closed. */
  stdin?: Buffer | string;
  timeoutMs?: number;
  /** The command changes nothing in the container (a read): what was learnt of its files stays true. */
  readsOnly?: boolean;
}

export interface ExecResult {
  argv: readonly string[];
  /** -1 when the command timed out (it may still be running inside the container). */
  exitCode: number;
  stdout: string;
  /** Standard output as bytes (an archive a command wrote), where the client keeps them. */
  stdoutBytes?: Buffer;
  stderr: string;
  timedOut: boolean;
}

/** One mount of a container, as the engine's inspect (and list) gives it under `Mounts`. */
export interface Mount {
  /** `bind`, `volume`, `tmpfs` (others, e.g. `image` or `npipe`, as the engine names them). */
  type: string;
  /** The host path of a bind, the volume's directory on the engine's host; '' for tmpfs. */
  source: string;
  /** A named volume's name; undefined for binds and tmpfs. */
  name?: string;
  /** Where it appears inside the container: a directory, or a file for a single-file bind. */
  destination: string;
  rw: boolean;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  /** Undefined when the engine did not list them (then inspect is asked). */
  mounts?: Mount[];
}

export interface ContainerInfo extends ContainerSummary {
  running: boolean;
  paused: boolean;
  restarting: boolean;
  user: string;
  readOnlyRootfs: boolean;
  env: string[];
  platform: string;
  /** The image's content id: containers of one image share their os-release. */
  imageId: string;
}

/** An entry read from a container's filesystem through the archive API. */
export interface ArchiveEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  content: Buffer;
  linkTarget?: string;
  mode: number;
}

/** What the engine says of a path without sending its content (HEAD on the archive endpoint). */
export interface PathStat {
  name: string;
  size: number;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** For a link: where it points, as stored. */
  linkTarget?: string;
}

/** A file to write into a container: `path` is absolute. */
export interface FileToWrite {
  path: string;
  content: Buffer | string;
  mode?: number;
  /** Written as a symbolic link to this target instead (content is then ignored). */
  linkTarget?: string;
}

export type ListFilters = Record<string, string[]>;

/** One process as the engine lists it (`docker top`): host pid, user and command line. */
export interface ProcessRow {
  /** The pid on the engine's host, not inside the container's pid namespace. */
  hostPid: string;
  user: string;
  command: string;
}

/** A container start as the engine's event stream reports it. */
export interface ContainerStart {
  id: string;
  name: string;
  /** When the engine says it started (ms since the epoch). */
  time: number;
}

export interface ContainerClient {
  /** A short description of the engine, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  ping(): Promise<void>;
  list(filters?: ListFilters, all?: boolean): Promise<ContainerSummary[]>;
  /** Throws NotFoundError when no container has that name or id. */
  inspect(nameOrId: string): Promise<ContainerInfo>;
  exec(id: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** The path's own metadata (a link is not followed); undefined when missing. Cheap: no content. */
  stat(id: string, path: string): Promise<PathStat | undefined>;
  /** The entries of `path` (one for a file or link; a directory with its contents); undefined when missing. */
  getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined>;
  /** Writes files as root:root, creating missing parent directories (0755). */
  putFiles(id: string, files: readonly FileToWrite[]): Promise<void>;
  /** The container's processes as the engine sees them; needs nothing inside the container. */
  top(id: string): Promise<ProcessRow[]>;
  /** Restarts the container (its filesystem, runtime changes included, is kept). */
  restart(id: string, timeoutSeconds?: number): Promise<void>;
  /**
   * Calls `onStart` for each container that starts from now until `signal` aborts (the engine's
   * event stream); resolves then, rejects if the engine ends the stream. Optional: a client
   * without it cannot serve `add --watch`.
   */
  watchStarts?(onStart: (start: ContainerStart) => void, signal: AbortSignal): Promise<void>;
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}
