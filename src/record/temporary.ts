import { hostname } from 'node:os';

/**
 * Marks a record entry as temporary trust (`add --for` / `--until-interrupt`): which session
 * added it, when it ends, and the process that will revert it. Kept in the container's record,
 * so that a session that died (kill -9, a reboot) leaves nothing unnoticed: `status` reports
 * its patches as expired and `remove --expired` takes them out.
 */
export interface TemporaryTrust {
  /** A random id for the run that added it: the revert at its end removes only its own entries. */
  session: string;
  /** When it ends (ISO 8601); null for `--until-interrupt`, which ends with its process. */
  expiresAt: string | null;
  /** The trustpatch process that reverts it, and the machine it runs on. */
  pid: number;
  host: string;
}

export interface ExpiryProbe {
  now?: Date;
  /** This machine's name; a session on another machine is judged by its expiry time alone. */
  host?: string;
  /** Whether a process of this machine still runs. */
  alive?: (pid: number) => boolean;
}

/** Why a temporary entry counts as expired, or undefined while its session may still revert it. */
export function expiredBecause(temporary: TemporaryTrust, probe: ExpiryProbe = {}): string | undefined {
  const now = probe.now ?? new Date();
  if (temporary.expiresAt !== null && Date.parse(temporary.expiresAt) <= now.getTime())
    return `expired at ${temporary.expiresAt}`;
  if (temporary.host === (probe.host ?? hostname()) && !(probe.alive ?? processAlive)(temporary.pid)) {
    return `its session ended without reverting it (trustpatch pid ${temporary.pid} on ${temporary.host} is gone)`;
  }
  return undefined;
}

/** Signal 0 tests for a process without touching it; EPERM means it exists (another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What an entry added again keeps: temporary (the newer session's) only when both adds were. */
export function mergedTemporary(
  added: TemporaryTrust | undefined,
  existing: TemporaryTrust | undefined,
): TemporaryTrust | undefined {
  return added !== undefined && existing !== undefined ? added : undefined;
}
