import type { ContainerClient, ExecResult } from '../docker/container-client.js';
import { findShell, PROCESS_SCAN, SCAN_MARKER, splitScan, type ScannedProcess } from '../runtimes/scan.js';
import { findTar, readStoreFast, storeReadOf, tarNames } from '../system-store/store-read-exec.js';
import type { StoreRead } from '../system-store/store-listing.js';

/**
 * Runs the update command, then (only when it exited 0) the container's tar over the bundles'
 * directories, then the /proc scan of the restart advice (src/runtimes/scan.ts), in one exec:
 * the verification read and the scan cost no exec or archive request of their own. Arguments:
 * tar's path, how many words the update command has (0: none, a read and scan alone), those
 * words, the directories. Every path and word goes as an argument, none into the script; the
 * update's output goes to standard error, so standard output is tar's archive alone; the scan
 * follows a marker line on standard error. A tar that fails leaves a marker line of its own;
 * then the script exits 0: the update's status is the script's status.
 */
const UPDATE_THEN_TAR = [
  't=$1; n=$2; shift 2',
  '( i=0; for a; do [ "$i" -eq 0 ] && set --; [ "$i" -lt "$n" ] && set -- "$@" "$a"; i=$((i+1)); done; exec "$@" ) >&2 || exit $?',
  'shift "$n"',
  '"$t" -c -f - -C / -- "$@" || echo "trustpatch: tar failed" >&2',
  `echo "${SCAN_MARKER}" >&2`,
  `{ ${PROCESS_SCAN} } >&2`,
  'exit 0',
].join('\n');

/** Where the read after the update goes: the directories to read, and the read and scan once made. */
export interface ReadAfterUpdate {
  dirs: string[];
  read?: StoreRead;
  /** The container's processes, read after the update (for the restart advice). */
  scanned?: ScannedProcess[];
}

/**
 * The update command, and with it the read of `after.dirs` and the scan where the container
 * has a shell and tar. Any run of the script that did not end plainly (a non-zero status: the
 * update failed, was missing, or is built for another CPU, which a shell may try to run as a
 * script) is answered by running the update on its own as before, so that failures are
 * diagnosed and reported exactly as without the script; a timeout is returned as it is.
 */
export async function runUpdateAndRead(
  client: ContainerClient,
  id: string,
  update: readonly string[],
  options: { timeoutMs: number },
  after: ReadAfterUpdate | undefined,
): Promise<ExecResult> {
  const plain = () => client.exec(id, update, { timeoutMs: options.timeoutMs, user: '0' });
  if (after === undefined || after.dirs.length === 0) return plain();
  const run = await scriptRun(client, id, update, after, { timeoutMs: options.timeoutMs, user: '0' });
  if (run === undefined) return plain();
  if (run.timedOut) return { ...run, argv: update };
  if (run.exitCode !== 0) return plain();
  return { argv: update, exitCode: 0, stdout: '', stderr: run.stderr, timedOut: false };
}

/**
 * After a write made through the archive API (a replicated update, an archive-only patch): the
 * read of `dirs` and the restart advice's scan in one read-only exec where a shell and tar are
 * there; else (or when that goes wrong) the read as without it (store-read-exec.ts), and no
 * scan: the advice then scans on its own.
 */
export async function readAndScan(
  client: ContainerClient,
  id: string,
  dirs: readonly string[],
): Promise<{ read: StoreRead; scanned?: ScannedProcess[] }> {
  const made: ReadAfterUpdate = { dirs: [...dirs] };
  if (dirs.length > 0)
    await scriptRun(client, id, [], made, { user: '0', readsOnly: true, timeoutMs: 60_000 }).catch(() => undefined);
  return { read: made.read ?? (await readStoreFast(client, id, dirs)), scanned: made.scanned };
}

/** The script's exec; its read and scan go into `after`. Undefined without a shell and tar. */
async function scriptRun(
  client: ContainerClient,
  id: string,
  update: readonly string[],
  after: ReadAfterUpdate,
  options: { timeoutMs: number; user: string; readsOnly?: boolean },
): Promise<ExecResult | undefined> {
  const shell = await findShell(client, id);
  const tar = shell === undefined ? undefined : await findTar(client, id);
  if (shell === undefined || tar === undefined) return undefined;
  const run = await client.exec(
    id,
    [shell, '-c', UPDATE_THEN_TAR, 'sh', tar, String(update.length), ...update, ...tarNames(after.dirs)],
    options,
  );
  if (run.timedOut || run.exitCode !== 0) return run;
  const split = splitScan(run.stderr);
  const stderr = split?.before ?? run.stderr;
  // No process at all (not even the container's first): /proc was not read, the advice scans on its own.
  after.scanned = split !== undefined && split.scanned.length > 0 ? split.scanned : undefined;
  if (run.stdoutBytes !== undefined && !stderr.split('\n').includes('trustpatch: tar failed'))
    after.read = await storeReadOf(run.stdoutBytes, after.dirs);
  // Not a spread: the archive on stdout is never decoded as text (src/docker/dockerode-client.ts).
  return { argv: run.argv, exitCode: run.exitCode, stdout: '', stderr, timedOut: run.timedOut };
}

/** Whether an exec is the update with the read after it (for tests that tell the commands apart). */
export function isUpdateAndRead(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === UPDATE_THEN_TAR;
}
