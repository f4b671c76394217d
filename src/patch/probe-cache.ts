import { posix } from 'node:path';
import { PROGRAM_DIRS, TLS_TOOLS } from '../check/clients.js';
import type {
  ContainerClient,
  ContainerInfo,
  ExecOptions,
  ExecResult,
  FileToWrite,
  ListFilters,
  PathStat,
} from '../docker/container-client.js';
import { STORE_RUNTIMES } from '../app-stores/find.js';

/** Programs the patch looks for by absolute path: the TLS clients, rm, the Python and Java runtimes, head, tar, sh. */
const PROGRAMS = ['rm', 'head', 'tar', 'sh', ...TLS_TOOLS, ...STORE_RUNTIMES];

/**
 * For each path given as an argument, one letter: f a regular file, d a directory, o something
 * else that exists, l a link (not cached: the engine's stat says where it points), - nothing.
 * The paths go as argv, never into the script.
 */
const PROBE_SCRIPT =
  'for p; do if [ -h "$p" ]; then echo l; elif [ -f "$p" ]; then echo f; elif [ -d "$p" ]; then echo d; elif [ -e "$p" ]; then echo o; else echo -; fi; done';

/** Whether an exec is the probe of programs (for tests and profiles that tell it from the patch's commands). */
export function isProgramProbe(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === PROBE_SCRIPT;
}

/**
 * A client for one container's patch that answers the many "is this program there?" stats
 * (about thirty a container: the update command, rm, the TLS clients, a Python or Java on the
 * container's PATH, tar, head) from one exec of the container's shell, made before the survey:
 * Docker 20.10 serves each stat as its own request, one exec costs about what a dozen of
 * them do. Only paths asked for by prefetch are answered from it, so the write guard's stats
 * (where a write lands) always go to the engine; links are never answered from it. Any
 * command that may change the container (an exec not marked `readsOnly`, a write, a restart)
 * empties it: after an install, programs are looked for again.
 */
export class ProbeCache implements ContainerClient {
  private known = new Map<string, PathStat | undefined>();

  constructor(private readonly inner: ContainerClient) {}

  get endpoint(): string {
    return this.inner.endpoint;
  }

  /** Probes the program paths of `info` (the usual directories, its PATH, $JAVA_HOME/bin, and `extra`) with one exec of `shell`. */
  async prefetch(info: Pick<ContainerInfo, 'id' | 'env'>, shell: string, extra: readonly string[]): Promise<void> {
    const value = (name: string) => info.env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
    const javaHome = value('JAVA_HOME');
    const dirs = new Set([
      ...PROGRAM_DIRS,
      ...(value('PATH') ?? '').split(':').filter((dir) => posix.isAbsolute(dir)),
      ...(javaHome && posix.isAbsolute(javaHome) ? [posix.join(javaHome, 'bin')] : []),
    ]);
    const paths = [
      ...new Set([...[...dirs].flatMap((dir) => PROGRAMS.map((name) => posix.join(dir, name))), ...extra]),
    ].filter((path) => posix.isAbsolute(path) && !path.includes('\0'));
    const run = await this.inner.exec(info.id, [shell, '-c', PROBE_SCRIPT, 'sh', ...paths], {
      user: '0',
      readsOnly: true,
    });
    const answers = run.stdout.split('\n');
    // Anything but one plain answer a path: fall back to the engine's stats.
    if (run.exitCode !== 0 || run.timedOut || answers.length !== paths.length + 1 || answers[paths.length] !== '')
      return;
    const known = new Map<string, PathStat | undefined>();
    for (const [index, path] of paths.entries()) {
      const answer = answers[index];
      const type = answer === 'f' ? 'file' : answer === 'd' ? 'directory' : answer === 'o' ? 'other' : undefined;
      if (type !== undefined) known.set(path, { name: posix.basename(path), size: 0, type });
      else if (answer === '-') known.set(path, undefined);
      else if (answer !== 'l') return;
    }
    this.known = known;
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  list(filters?: ListFilters, all?: boolean) {
    return this.inner.list(filters, all);
  }

  inspect(nameOrId: string): Promise<ContainerInfo> {
    return this.inner.inspect(nameOrId);
  }

  exec(id: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    if (options?.readsOnly !== true) this.known.clear();
    return this.inner.exec(id, argv, options);
  }

  stat(id: string, path: string): Promise<PathStat | undefined> {
    if (this.known.has(path)) return Promise.resolve(this.known.get(path));
    return this.inner.stat(id, path);
  }

  getArchive(id: string, path: string) {
    return this.inner.getArchive(id, path);
  }

  putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    this.known.clear();
    return this.inner.putFiles(id, files);
  }

  top(id: string) {
    return this.inner.top(id);
  }

  restart(id: string, timeoutSeconds?: number): Promise<void> {
    this.known.clear();
    return this.inner.restart(id, timeoutSeconds);
  }
}
