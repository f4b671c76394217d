import { readdirSync, readFileSync } from 'node:fs';

/** /proc/PID/stat's fields from the state on (field 3), so field N is at index N - 3. */
function statFields(pid: number | 'self'): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time of one process in ms (utime + stime, proc(5)); with `reaped`, plus that of its
 * children it has waited for (cutime + cstime), e.g. every trustpatch run the caller ran, or
 * every connection process an sshd has reaped. Undefined once the process is gone.
 * USER_HZ is 100 on every mainstream architecture.
 */
export function processCpuMs(pid: number | 'self', reaped = false): number | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i] ?? 0));
  return ((utime ?? 0) + (stime ?? 0) + (reaped ? (cutime ?? 0) + (cstime ?? 0) : 0)) * 10;
}

/** Pids whose command line contains every one of `parts`. */
export function pidsWith(parts: readonly string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (parts.every((part) => cmdline.includes(part))) found.push(Number(entry));
  }
  return found;
}

/**
 * CPU of processes nobody reaps for us (a backgrounded ssh master: daemon(3) gives it to init),
 * sampled every `everyMs`: each process counts with the highest figure seen, so what it used
 * after the last sample before it exited is missed (at most `everyMs` of CPU).
 */
export class CpuSampler {
  private readonly seen = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly find: () => number[],
    private readonly everyMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  /** Stops sampling; the CPU ms of every process seen. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return [...this.seen.values()].reduce((sum, ms) => sum + ms, 0);
  }

  private sample(): void {
    for (const pid of this.find()) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) this.seen.set(pid, Math.max(ms, this.seen.get(pid) ?? 0));
    }
  }
}
