import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Who holds a container's lock; an `unfinished` record outlives its run on purpose. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  /** After this the lock is stale whoever holds it (a holder in another PID namespace cannot be probed). */
  expiresAt: string;
  /** Set when the run ended with its rollback incomplete: the next run must not trust what it finds. */
  unfinished?: string;
}

export interface LockOptions {
  /** How long to wait for another run to finish. */
  waitMs: number;
  /** How long this run may hold the lock before others may call it stale. */
  holdMs: number;
  dir?: string;
  onWait?: (holder: LockHolder | undefined) => void;
  self?: { pid: number; hostname: string };
  isAlive?: (pid: number) => boolean;
}

export interface HeldLock {
  /** A run that left this container half-patched (it said so, or died holding the lock), if one was found. */
  previous: LockHolder | undefined;
  release(): Promise<void>;
  /** Keeps the lock directory with an `unfinished` record, so that the next run patches in full. */
  leaveUnfinished(why: string): Promise<void>;
}

export class LockHeldError extends Error {
  constructor(
    readonly holder: LockHolder | undefined,
    path: string,
  ) {
    const who = holder
      ? `another trustpatch run (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt})`
      : 'another trustpatch run';
    super(`${who} is patching this container; run again once it has finished (if none is running, remove ${path})`);
    this.name = 'LockHeldError';
  }
}

/** Locks live on this host, in a directory anyone may create entries in (like /tmp itself). */
export function defaultLockDir(): string {
  return join(tmpdir(), 'trustpatch-locks');
}

const OWNERLESS_STALE_MS = 10_000;
const POLL_MS = 250;

/**
 * Takes the host-side lock of one container (keyed by engine address and container id), so that two trustpatch runs on this host never
 * patch it at once (the second waits up to `waitMs`, then fails). mkdir is atomic; the owner
 * record is written into the directory once it is ours, so an empty directory cannot be
 * removed by a breaker once the record is in (rmdir fails on a non-empty directory). A lock
 * whose holder died (same host, pid gone), expired, or was left `unfinished` is broken.
 * Runs on other hosts against the same engine are not seen: a lock in the container itself
 * would leave a trace in it, and the point of a rollback is that nothing is left.
 */
export async function lockContainer(engine: string, containerId: string, options: LockOptions): Promise<HeldLock> {
  const base = options.dir ?? defaultLockDir();
  const created = await mkdir(base, { recursive: true });
  if (created !== undefined) await chmod(base, 0o1777).catch(() => undefined);
  const path = join(base, createHash('sha256').update(`${engine}\0${containerId}`).digest('hex').slice(0, 40));
  const self = options.self ?? { pid: process.pid, hostname: hostname() };
  const isAlive = options.isAlive ?? alive;
  const record: LockHolder = {
    ...self,
    startedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + options.waitMs + options.holdMs).toISOString(),
  };
  const file = join(path, `owner-${randomBytes(6).toString('hex')}.json`);
  const deadline = Date.now() + options.waitMs;
  let previous: LockHolder | undefined;
  let announced = false;
  for (;;) {
    if (await tryTake(path, file, record)) break;
    const found = await readHolder(path);
    if (found === 'free') continue;
    if (isStale(found, self, isAlive)) {
      // A holder that did not release its lock did not finish either, whatever stopped it.
      if (found.holder !== undefined)
        previous = {
          ...found.holder,
          unfinished:
            found.holder.unfinished ??
            `pid ${found.holder.pid} on ${found.holder.hostname} stopped without releasing its lock`,
        };
      await breakLock(path, found.file);
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(found.holder, path);
    if (!announced) options.onWait?.(found.holder);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return {
    previous,
    release: async () => breakLock(path, file),
    leaveUnfinished: async (why) => {
      // Written aside, then renamed over the record: a reader never sees it half-written.
      const next = join(path, `next-${randomBytes(6).toString('hex')}`);
      await writeFile(next, JSON.stringify({ ...record, unfinished: why }))
        .then(() => rename(next, file))
        .catch(() => unlink(next).catch(() => undefined));
    },
  };
}

async function tryTake(path: string, file: string, record: LockHolder): Promise<boolean> {
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  // A breaker may have removed the still-empty directory in between: then it is not ours.
  return writeFile(file, JSON.stringify(record), { flag: 'wx' }).then(
    () => true,
    () => false,
  );
}

type Found = { holder: LockHolder | undefined; file: string | undefined; ageMs: number };

async function readHolder(path: string): Promise<Found | 'free'> {
  try {
    const names = (await readdir(path)).filter((name) => name.startsWith('owner-'));
    const ageMs = Date.now() - (await stat(path)).mtimeMs;
    const file = names[0] === undefined ? undefined : join(path, names[0]);
    const holder =
      file === undefined
        ? undefined
        : ((await readFile(file, 'utf8').then(JSON.parse, () => undefined)) as LockHolder | undefined);
    return { holder, file, ageMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'free';
    throw error;
  }
}

function isStale(found: Found, self: { hostname: string }, isAlive: (pid: number) => boolean): boolean {
  const { holder } = found;
  if (holder === undefined) return found.ageMs > OWNERLESS_STALE_MS;
  if (holder.unfinished !== undefined) return true;
  if (Date.parse(holder.expiresAt) < Date.now()) return true;
  return holder.hostname === self.hostname && !isAlive(holder.pid);
}

/** Removes one owner record, then the directory if it is empty: safe against a racing taker. */
async function breakLock(path: string, file: string | undefined): Promise<void> {
  if (file !== undefined) await unlink(file).catch(() => undefined);
  await rmdir(path).catch(() => undefined);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
