import type { ContainerClient, ExecResult } from '../docker/container-client.js';
import { findShell } from '../runtimes/scan.js';
import { findTar, storeReadOf, tarNames } from '../system-store/store-read-exec.js';
import type { StoreRead } from '../system-store/store-listing.js';

/**
 * Runs the update command, then (only when it exited 0) the container's tar over the bundles'
 * directories, in one exec: the verification read costs no exec or archive request of its own.
 * Arguments: tar's path, how many words the update command has, those words, the directories.
 * Every path and word goes as an argument, none into the script; the update's output goes to
 * standard error, so standard output is tar's archive alone. A tar that fails leaves a marker
 * line and exit status 0: the update's status is the script's status.
 */
const UPDATE_THEN_TAR = [
  't=$1; n=$2; shift 2',
  '( i=0; for a; do [ "$i" -eq 0 ] && set --; [ "$i" -lt "$n" ] && set -- "$@" "$a"; i=$((i+1)); done; exec "$@" ) >&2 || exit $?',
  'shift "$n"',
  '"$t" -c -f - -C / -- "$@" || { echo "trustpatch: tar failed" >&2; exit 0; }',
].join('\n');

/** Where the read after the update goes: the directories to read, and the read once made. */
export interface ReadAfterUpdate {
  dirs: string[];
  read?: StoreRead;
}

/**
 * The update command, and with it the read of `after.dirs` where the container has a shell
 * and tar. Any run of the script that did not end plainly (a non-zero status: the update
 * failed, was missing, or is built for another CPU, which a shell may try to run as a script)
 * is answered by running the update on its own as before, so that failures are diagnosed and
 * reported exactly as without the script; a timeout is returned as it is.
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
  const shell = await findShell(client, id);
  const tar = shell === undefined ? undefined : await findTar(client, id);
  if (shell === undefined || tar === undefined) return plain();
  const run = await client.exec(
    id,
    [shell, '-c', UPDATE_THEN_TAR, 'sh', tar, String(update.length), ...update, ...tarNames(after.dirs)],
    { timeoutMs: options.timeoutMs, user: '0' },
  );
  if (run.timedOut) return { ...run, argv: update };
  if (run.exitCode !== 0) return plain();
  if (run.stdoutBytes !== undefined && !run.stderr.includes('trustpatch: tar failed'))
    after.read = await storeReadOf(run.stdoutBytes, after.dirs);
  return { argv: update, exitCode: 0, stdout: '', stderr: run.stderr, timedOut: false };
}

/** Whether an exec is the update with the read after it (for tests that tell the commands apart). */
export function isUpdateAndRead(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === UPDATE_THEN_TAR;
}
