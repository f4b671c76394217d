import type { Duplex, Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { EngineVersion } from './api-version.js';
import { describe, statusCode } from './engine-errors.js';
import { pingEngine } from './ping.js';
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
  type ListFilters,
  type Mount,
  type PathStat,
  type ProcessRow,
} from './container-client.js';
import type { IncomingMessage } from 'node:http';
import { readStarts } from './events.js';
import { parsePathStat } from './path-stat.js';
import { DockerodeImages } from './dockerode-images.js';
import type { ImageClient, WithImages } from './image-client.js';
import { packFiles, unpackEntries } from './tar.js';
import { ExecOutput } from './exec-stream.js';

/** ContainerClient over dockerode: absorbs the engine's quirks and returns plain objects. */
export class DockerodeClient implements ContainerClient, WithImages {
  /** Set by ping(): what the engine is and the API version spoken with it. */
  engine: EngineVersion | undefined;

  constructor(
    private readonly docker: Dockerode,
    readonly endpoint: string,
    private readonly pingTimeoutMs = 30_000,
  ) {}

  /**
   * Checks that a Docker-compatible engine answers and agrees on an API version; every later
   * request is pinned to that version (see ping.ts).
   */
  async ping(): Promise<void> {
    this.engine = await pingEngine(this.docker, this.endpoint, this.pingTimeoutMs);
  }

  /** The same engine's images and the containers `image add` makes from them. */
  images(): ImageClient {
    return new DockerodeImages(this.docker);
  }

  async list(filters: ListFilters = {}, all = true): Promise<ContainerSummary[]> {
    const rows = await this.docker.listContainers({ all, filters: JSON.stringify(filters) });
    return rows.map((row) => ({
      id: row.Id,
      name: (row.Names[0] ?? row.Id).replace(/^\//, ''),
      image: row.Image,
      state: row.State,
      labels: row.Labels ?? {},
      ...(Array.isArray(row.Mounts) ? { mounts: row.Mounts.filter((m) => typeof m === 'object').map(mountOf) } : {}),
    }));
  }

  async inspect(nameOrId: string): Promise<ContainerInfo> {
    let data: Dockerode.ContainerInspectInfo;
    try {
      data = await this.docker.getContainer(nameOrId).inspect();
    } catch (error) {
      if (statusCode(error) === 404) throw new NotFoundError(`container ${nameOrId}`);
      throw error;
    }
    const state = data.State;
    return {
      id: data.Id,
      name: data.Name.replace(/^\//, ''),
      image: data.Config.Image,
      state: state.Status,
      labels: data.Config.Labels ?? {},
      running: state.Running && !state.Paused && !state.Restarting,
      paused: state.Paused,
      restarting: state.Restarting,
      user: data.Config.User ?? '',
      readOnlyRootfs: data.HostConfig.ReadonlyRootfs === true,
      env: data.Config.Env ?? [],
      platform: (data as { Platform?: string }).Platform ?? 'linux',
      imageId: data.Image,
      mounts: (data.Mounts ?? []).map(mountOf),
    };
  }

  async exec(id: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.docker.getContainer(id);
    const exec = await container
      .exec({
        Cmd: [...argv],
        User: options.user ?? '0',
        Env: options.env,
        AttachStdin: options.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      })
      .catch((error: unknown) => {
        throw statusCode(error) === 404 ? new NotFoundError(`container ${id}`) : error;
      });
    const abort = new AbortController();
    const stream = (await exec.start({
      hijack: true,
      stdin: options.stdin !== undefined,
      abortSignal: abort.signal,
    } as Dockerode.ExecStartOptions)) as Duplex;
    // Not docker-modem's demuxStream: src/docker/exec-stream.ts says why.
    const output = new ExecOutput();
    stream.on('data', (chunk: Buffer) => output.push(chunk));
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve).on('close', resolve).on('error', reject);
    });
    if (options.stdin !== undefined) stream.end(options.stdin);
    const timedOut = await withTimeout(finished, options.timeoutMs, () => {
      abort.abort();
      stream.destroy();
    });
    const { stdout, stderr } = output.streams();
    const exitCode = timedOut ? -1 : await exitCodeOf(exec);
    return execResult(argv, exitCode, stdout, stderr.toString('utf8'), timedOut);
  }

  async stat(id: string, path: string): Promise<PathStat | undefined> {
    try {
      const response = (await this.docker.getContainer(id).infoArchive({ path })) as IncomingMessage;
      response.resume();
      return parsePathStat(response.headers['x-docker-container-path-stat']);
    } catch (error) {
      if (statusCode(error) === 404 && !/no such container:/i.test(describe(error))) return undefined;
      if (statusCode(error) === 404) throw new NotFoundError(`container ${id}`);
      throw error;
    }
  }

  async getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    try {
      const tar = (await this.docker.getContainer(id).getArchive({ path })) as Readable;
      return await unpackEntries(tar);
    } catch (error) {
      // The engine answers 404 both for a missing path and for a missing container.
      if (statusCode(error) === 404 && /could not find the file|no such file/i.test(describe(error))) return undefined;
      if (statusCode(error) === 404) throw new NotFoundError(`container ${id}`);
      throw error;
    }
  }

  async putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    const tar = await packFiles(files);
    await this.docker.getContainer(id).putArchive(tar, { path: '/' });
  }

  async top(id: string): Promise<ProcessRow[]> {
    const listing = (await this.docker.getContainer(id).top({ ps_args: '-eo pid,user,args' })) as {
      Titles?: string[];
      Processes?: string[][];
    };
    const titles = listing.Titles ?? [];
    const column = (name: string) => titles.indexOf(name);
    return (listing.Processes ?? []).map((row) => ({
      hostPid: row[column('PID')] ?? '',
      user: row[column('USER')] ?? '',
      command: row[column('COMMAND')] ?? row[row.length - 1] ?? '',
    }));
  }

  async restart(id: string, timeoutSeconds = 10): Promise<void> {
    await this.docker.getContainer(id).restart({ t: timeoutSeconds });
  }

  async watchStarts(onStart: (start: ContainerStart) => void, signal: AbortSignal): Promise<void> {
    // `since` now: Podman 4.3 (events_logger=file) sends nothing live without it, while it reads its whole log.
    const since = Math.floor(Date.now() / 1000);
    const stream = (await this.docker.getEvents({
      since,
      filters: { type: ['container'], event: ['start'] },
    })) as Readable;
    await readStarts(stream, onStart, signal, this.endpoint);
  }
}

/**
 * An exec's result whose `stdout` text is decoded from the bytes on first read: an archive a
 * tar exec wrote (a few hundred KB) is read as bytes only, and decoding it as UTF-8 cost a copy
 * as large as the archive, for nothing (issue 17: peak memory of `add`).
 */
function execResult(
  argv: readonly string[],
  exitCode: number,
  out: Buffer,
  stderr: string,
  timedOut: boolean,
): ExecResult {
  let text: string | undefined;
  return {
    argv,
    exitCode,
    get stdout() {
      text ??= out.toString('utf8');
      return text;
    },
    stdoutBytes: out,
    stderr,
    timedOut,
  };
}

/** Resolves true when `work` did not finish within `ms` (after calling `onTimeout`). */
async function withTimeout(work: Promise<void>, ms: number | undefined, onTimeout: () => void): Promise<boolean> {
  if (ms === undefined) return work.then(() => false);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  const result = await Promise.race([work.then(() => false), expired]).finally(() => clearTimeout(timer));
  if (result) onTimeout();
  return result;
}

/** The engine can report an exec as still running just after its stream ends: poll briefly. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return -1;
}

/** The engine's mount row as a plain Mount (Podman's compat API has the same fields). */
function mountOf(row: { Type?: string; Source?: string; Name?: string; Destination?: string; RW?: boolean }): Mount {
  return {
    type: row.Type ?? 'unknown',
    source: row.Source ?? '',
    ...(row.Name ? { name: row.Name } : {}),
    destination: row.Destination ?? '',
    rw: row.RW !== false,
  };
}
