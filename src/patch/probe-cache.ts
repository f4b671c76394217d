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
import { TAR_PATHS, tarNames } from '../system-store/store-read-exec.js';

/** Programs the patch looks for by absolute path: the TLS clients, rm, the Python and Java runtimes, head, tar, sh. */
const PROGRAMS = ['rm', 'head', 'tar', 'sh', ...TLS_TOOLS, ...STORE_RUNTIMES];

/**
 * For each path given as an argument, one letter: f a regular file, d a directory, o something
 * else that exists, l a link (not cached: the engine's stat says where it points), - nothing.
 * The paths go as argv, never into the script.
 */
const PROBE_ONE =
  'if [ -h "$p" ]; then echo l; elif [ -f "$p" ]; then echo f; elif [ -d "$p" ]; then echo d; elif [ -e "$p" ]; then echo o; else echo -; fi';
const PROBE_SCRIPT = `for p; do ${PROBE_ONE}; done`;

/**
 * The same probe, then the container's tar on the trust store directories, in one exec. The
 * argv: the paths, then `:` (never an absolute path), then the directories relative to `/`.
 * The answers go to stderr, one line a path, then the tar it ran (the first of TAR_PATHS that
 * is a file, as the separate read picks it) or `-`; the archive alone goes to stdout, so the
 * two cannot mix. Where TRUSTPATCH_INPUTS names paths (relative to `/`, set by us in the exec's
 * environment, never by the container: src/update/replication.ts), the next line is `inputs `
 * and the SHA-256 of the archive that tar makes of them, taken by the container's sha256sum:
 * the replication key without sending the archive (where tar fails, `failed` is hashed after
 * what it wrote, a digest no complete read matches). tar's own messages, if any, follow.
 */
const INPUTS_DIGEST =
  'if [ -n "$TRUSTPATCH_INPUTS" ]; then set -f; echo "inputs $({ "$t" -c -f - -C / -- $TRUSTPATCH_INPUTS 2>/dev/null || echo failed; } | sha256sum 2>/dev/null)" >&2; set +f; fi; ';
const PROBE_AND_TAR_SCRIPT = `while [ "$#" -gt 0 ] && [ "$1" != : ]; do p=$1; shift; ${PROBE_ONE}; done >&2; shift; for t in ${TAR_PATHS.join(' ')}; do if [ -f "$t" ]; then echo "$t" >&2; ${INPUTS_DIGEST}exec "$t" -c -f - -C / -- "$@"; fi; done; echo - >&2`;

/** Where a path may go in TRUSTPATCH_INPUTS: our own constants, split by the shell on spaces. */
const PLAIN_PATH = /^\/[A-Za-z0-9._/-]+$/;

/** Whether an exec is the probe of programs, alone or with the store's tar (for tests and profiles that tell it from the patch's commands). */
export function isProgramProbe(argv: readonly string[]): boolean {
  return argv[1] === '-c' && (argv[2] === PROBE_SCRIPT || argv[2] === PROBE_AND_TAR_SCRIPT);
}

/** Whether an exec is the probe with the store's tar. */
export function isProbeWithTar(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === PROBE_AND_TAR_SCRIPT;
}

/**
 * What the probe with the store's tar gave for the store: the archive's bytes, `failed` (the
 * tar the separate read would have run ran and failed: read through the archive API), or
 * undefined (not read: read as without it).
 */
export type ProbedTar = Buffer | 'failed' | undefined;

/** What the probe with the store's tar gave: the store's archive, and the SHA-256 of the inputs' archive where asked for and taken. */
export interface ProbeRead {
  tar: ProbedTar;
  inputsSha256?: string;
}

/**
 * A client for one container's patch that answers the many "is this program there?" stats
 * (about thirty a container: the update command, rm, the TLS clients, a Python or Java on the
 * container's PATH, tar, head) from one exec of the container's shell, made before the survey:
 * Docker 20.10 serves each stat as its own request, one exec costs about what a dozen of
 * them do. Only paths asked for by prefetch are answered from it, so the write guard's stats
 * (where a write lands) always go to the engine; a link is answered as the engine's stat of
 * it answered (where it points), asked once. Any
 * command that may change the container (an exec not marked `readsOnly`, a restart) empties
 * it: after an install, programs are looked for again. A write forgets the paths it touches.
 */
export class ProbeCache implements ContainerClient {
  private known = new Map<string, PathStat | undefined>();
  /** Probed paths that are links: answered by the engine's stat (which says where they point), then kept like the others. */
  private links = new Set<string>();

  constructor(private readonly inner: ContainerClient) {}

  get endpoint(): string {
    return this.inner.endpoint;
  }

  /** Probes the program paths of `info` (the usual directories, its PATH, $JAVA_HOME/bin, and `extra`) with one exec of `shell`. */
  async prefetch(info: Pick<ContainerInfo, 'id' | 'env'>, shell: string, extra: readonly string[]): Promise<void> {
    const paths = programPaths(info, extra);
    const run = await this.inner.exec(info.id, [shell, '-c', PROBE_SCRIPT, 'sh', ...paths], {
      user: '0',
      readsOnly: true,
    });
    // Anything but one plain answer a path: fall back to the engine's stats.
    if (run.exitCode !== 0 || run.timedOut) return;
    this.learn(paths, run.stdout.split('\n'), true);
  }

  /**
   * The probe of prefetch and the read of `dirs` (absolute) by the container's tar in one exec
   * (store-read-exec.ts reads them with a tar exec of its own). When the answers are not plainly
   * one a path, the separate probe runs and the store is left to be read as without it; when the
   * tar the script ran is not the one the separate read would run, the store is left too.
   * `inputs` (absolute paths): the archive tar makes of them is hashed in the container.
   */
  async prefetchWithTar(
    info: Pick<ContainerInfo, 'id' | 'env'>,
    shell: string,
    extra: readonly string[],
    dirs: readonly string[],
    inputs: readonly string[] = [],
  ): Promise<ProbeRead> {
    const paths = programPaths(info, [...extra, ...TAR_PATHS]);
    const hashed = inputs.every((path) => PLAIN_PATH.test(path)) ? tarNames(inputs) : [];
    const run = await this.inner.exec(
      info.id,
      [shell, '-c', PROBE_AND_TAR_SCRIPT, 'sh', ...paths, ':', ...tarNames(dirs)],
      // Always set, so that a variable of the container's own environment is never taken for ours.
      { user: '0', readsOnly: true, env: [`TRUSTPATCH_INPUTS=${hashed.join(' ')}`] },
    );
    const lines = run.stderr.split('\n');
    // The answers, the tar line, and whatever follows it (the inputs' digest, tar's messages, or nothing).
    if (
      run.timedOut ||
      lines.length < paths.length + 2 ||
      !this.learn(paths, lines.slice(0, paths.length + 1), false)
    ) {
      await this.prefetch(info, shell, extra);
      return { tar: undefined };
    }
    const digest = lines[paths.length + 1]?.match(/^inputs ([0-9a-f]{64}) {2}-$/)?.[1];
    const inputsSha256 = hashed.length > 0 && lines[paths.length] !== '-' ? digest : undefined;
    // The separate read runs the first of TAR_PATHS that exists (an engine stat); the script, the first that is a file.
    const expected = TAR_PATHS.find((path) => !this.known.has(path) || this.known.get(path) !== undefined);
    const usable = expected !== undefined && (!this.known.has(expected) || this.known.get(expected)?.type === 'file');
    if (!usable || lines[paths.length] !== expected) return { tar: undefined, inputsSha256 };
    if (run.exitCode !== 0 || run.stdoutBytes === undefined) return { tar: 'failed', inputsSha256 };
    return { tar: run.stdoutBytes, inputsSha256 };
  }

  /** Caches the answers (one line a path, then `''` when `ended`, else any one line); false, caching nothing, when they are not that. */
  private learn(paths: readonly string[], answers: readonly string[], ended: boolean): boolean {
    if (answers.length !== paths.length + 1 || (ended && answers[paths.length] !== '')) return false;
    const links = new Set<string>();
    const known = new Map<string, PathStat | undefined>();
    for (const [index, path] of paths.entries()) {
      const answer = answers[index];
      const type = answer === 'f' ? 'file' : answer === 'd' ? 'directory' : answer === 'o' ? 'other' : undefined;
      if (type !== undefined) known.set(path, { name: posix.basename(path), size: 0, type });
      else if (answer === '-') known.set(path, undefined);
      else if (answer === 'l') links.add(path);
      else return false;
    }
    this.known = known;
    this.links = links;
    return true;
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
    if (options?.readsOnly !== true) this.forget();
    return this.inner.exec(id, argv, options);
  }

  async stat(id: string, path: string): Promise<PathStat | undefined> {
    if (this.known.has(path)) return this.known.get(path);
    const answer = await this.inner.stat(id, path);
    if (this.links.has(path)) this.known.set(path, answer);
    return answer;
  }

  private forget(): void {
    this.known.clear();
    this.links.clear();
  }

  getArchive(id: string, path: string) {
    return this.inner.getArchive(id, path);
  }

  putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    // A write changes the paths written and the directories the engine creates for them (the
    // write guard keeps it in the trust directories); what was learnt of other paths stays true.
    for (const path of [...this.known.keys()])
      if (files.some((f) => path === f.path || path.startsWith(`${f.path}/`) || f.path.startsWith(`${path}/`)))
        this.known.delete(path);
    return this.inner.putFiles(id, files);
  }

  top(id: string) {
    return this.inner.top(id);
  }

  restart(id: string, timeoutSeconds?: number): Promise<void> {
    this.forget();
    return this.inner.restart(id, timeoutSeconds);
  }
}

/** The program paths probed for `info`: the usual directories, its PATH and $JAVA_HOME/bin, and `extra`. */
function programPaths(info: Pick<ContainerInfo, 'env'>, extra: readonly string[]): string[] {
  const value = (name: string) => info.env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const javaHome = value('JAVA_HOME');
  const dirs = new Set([
    ...PROGRAM_DIRS,
    ...(value('PATH') ?? '').split(':').filter((dir) => posix.isAbsolute(dir)),
    ...(javaHome && posix.isAbsolute(javaHome) ? [posix.join(javaHome, 'bin')] : []),
  ]);
  return [...new Set([...[...dirs].flatMap((dir) => PROGRAMS.map((name) => posix.join(dir, name))), ...extra])].filter(
    (path) => posix.isAbsolute(path) && !path.includes('\0'),
  );
}
