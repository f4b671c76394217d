import type { ContainerClient } from '../docker/container-client.js';
import { firstPresent } from '../distro/probe.js';

/** The shell the /proc scan runs with, found through the archive API. */
export function findShell(client: ContainerClient, id: string): Promise<string | undefined> {
  return firstPresent(client, id, ['/bin/sh', '/usr/bin/sh'], (path) => path);
}

/** Environment variables that decide where a runtime looks for CAs. */
export const TRUST_ENV = [
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'NODE_USE_SYSTEM_CA',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'JAVA_TOOL_OPTIONS',
  'REQUESTS_CA_BUNDLE',
];

/** One process as read from the container's own /proc. */
export interface ScannedProcess {
  /** The pid inside the container. */
  pid: number;
  uid: number | undefined;
  /** `/proc/<pid>/exe`, or undefined when it could not be read. */
  exe: string | undefined;
  command: string;
  /** The TRUST_ENV variables it was started with; undefined when its environment could not be read. */
  env: Record<string, string> | undefined;
  startedAt: Date | undefined;
}

// POSIX sh with tr and readlink only (coreutils or BusyBox): one exec for every process.
// Exported for the update's exec, which runs it last (src/update/update-and-read.ts).
export const PROCESS_SCAN = `
while read -r k v; do [ "$k" = btime ] && echo "btime $v"; done < /proc/stat
for d in /proc/[0-9]*; do
  p=\${d#/proc/}
  [ "$p" = "$$" ] && continue
  c=$(tr '\\000\\n' '  ' < "$d/cmdline" 2>/dev/null) || continue
  [ -n "$c" ] || continue
  echo "@ $p"
  echo "exe $(readlink "$d/exe" 2>/dev/null)"
  echo "cmd $c"
  read -r s < "$d/stat" && echo "stat $s"
  while read -r k v r; do [ "$k" = Uid: ] && echo "uid $v"; done < "$d/status"
  if e=$(tr '\\000' '\\n' < "$d/environ" 2>/dev/null); then
    echo envok
    printf '%s\\n' "$e" | while IFS= read -r l; do case "$l" in ${TRUST_ENV.map((name) => `${name}=*`).join('|')}) echo "env $l";; esac; done
  fi
done
`;

/** Linux's USER_HZ: /proc/<pid>/stat counts start times in these ticks on every mainstream architecture. */
const CLOCK_TICKS = 100;

/**
 * The container's processes from its own /proc (pids inside its namespace, the executable,
 * the trust variables of its environment, its start time), through one shell. Undefined
 * when the container has no shell: then only the engine's `top` listing is known.
 */
export async function scanProcesses(
  client: ContainerClient,
  id: string,
  shell: string | undefined,
): Promise<ScannedProcess[] | undefined> {
  if (shell === undefined) return undefined;
  const run = await client.exec(id, [shell, '-c', PROCESS_SCAN], { timeoutMs: 20_000, user: '0' });
  if (run.exitCode !== 0 && run.stdout.trim() === '') return undefined;
  return parseScan(run.stdout);
}

/** True for the exec that scans /proc (read-only): tests that count what ran leave it out. */
export function isProcessScan(argv: readonly string[]): boolean {
  return argv[1] === '-c' && argv[2] === PROCESS_SCAN;
}

/** The line after which a script that runs the scan last writes its output (on stderr). */
export const SCAN_MARKER = 'trustpatch: processes';

/**
 * Standard error of a script that wrote SCAN_MARKER and then the scan: what came before the
 * last marker line (the commands' own output), and the processes after it; undefined when
 * there is no marker line. Only the last counts: a command before it could print one too,
 * while no line of the scan is ever the marker (each starts with its key).
 */
export function splitScan(stderr: string): { before: string; scanned: ScannedProcess[] } | undefined {
  const lines = stderr.split('\n');
  const at = lines.lastIndexOf(SCAN_MARKER);
  if (at < 0) return undefined;
  return { before: lines.slice(0, at).join('\n'), scanned: parseScan(lines.slice(at + 1).join('\n')) };
}

export function parseScan(output: string): ScannedProcess[] {
  const processes: ScannedProcess[] = [];
  let bootSeconds: number | undefined;
  let current: (ScannedProcess & { ticks?: number }) | undefined;
  for (const line of output.split('\n')) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (key === 'btime') bootSeconds = Number(value);
    else if (key === '@')
      processes.push(
        (current = {
          pid: Number(value),
          uid: undefined,
          exe: undefined,
          command: '',
          env: undefined,
          startedAt: undefined,
        }),
      );
    else if (current === undefined) continue;
    else if (key === 'exe') current.exe = value === '' ? undefined : value;
    else if (key === 'cmd') current.command = value.trim();
    else if (key === 'uid') current.uid = Number(value);
    else if (key === 'envok') current.env = {};
    else if (key === 'env' && current.env !== undefined) {
      const eq = value.indexOf('=');
      current.env[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (key === 'stat') {
      // Field 22 (starttime), counted after the command name, which may hold spaces: proc(5).
      const fields = value.slice(value.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[19]);
      if (Number.isFinite(ticks)) (current as { ticks?: number }).ticks = ticks;
    }
  }
  for (const process of processes as (ScannedProcess & { ticks?: number })[]) {
    if (bootSeconds !== undefined && process.ticks !== undefined)
      process.startedAt = new Date((bootSeconds + process.ticks / CLOCK_TICKS) * 1000);
    delete process.ticks;
  }
  return processes;
}
