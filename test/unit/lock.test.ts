import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockContainer, LockHeldError, type LockOptions } from '../../src/patch/lock.js';

describe('host-side container lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-lock-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const options = (extra: Partial<LockOptions> = {}): LockOptions => ({ dir, waitMs: 600, holdMs: 60_000, ...extra });

  it('a second taker waits while the first holds, then gets it once released', async () => {
    const first = await lockContainer(
      'unix:///e',
      'c1',
      options({ self: { pid: 101, hostname: 'h' }, isAlive: () => true }),
    );
    let waiting: (pid: number | undefined) => void = () => {};
    const waited = new Promise<number | undefined>((resolve) => (waiting = resolve));
    const second = lockContainer(
      'unix:///e',
      'c1',
      options({
        waitMs: 10_000,
        self: { pid: 102, hostname: 'h' },
        isAlive: () => true,
        onWait: (holder) => waiting(holder?.pid),
      }),
    );
    assert.equal(await waited, 101, 'the waiter is told who holds the lock');
    await first.release();
    const held = await second;
    assert.equal(held.previous, undefined);
    await held.release();
    assert.deepEqual(await readdir(dir), [], 'released locks leave nothing behind');
  });

  it('gives up after waitMs with a message naming the holder and the lock to remove', async () => {
    const first = await lockContainer(
      'unix:///e',
      'c1',
      options({ self: { pid: 101, hostname: 'h' }, isAlive: () => true }),
    );
    const error = await lockContainer(
      'unix:///e',
      'c1',
      options({ waitMs: 300, self: { pid: 102, hostname: 'h' }, isAlive: () => true }),
    ).catch((e: unknown) => e);
    assert.ok(error instanceof LockHeldError);
    assert.match(
      error.message,
      /^another trustpatch run \(pid 101 on h, since .*\) is patching this container; run again once it has finished \(if none is running, remove .*trustpatch-lock-test-/,
    );
    await first.release();
  });

  it('different containers and different engines do not share a lock', async () => {
    const a = await lockContainer('unix:///e', 'c1', options());
    const b = await lockContainer('unix:///e', 'c2', options({ waitMs: 0 }));
    const c = await lockContainer('tcp://other:2375', 'c1', options({ waitMs: 0 }));
    await Promise.all([a.release(), b.release(), c.release()]);
  });

  it('breaks the lock of a holder on this host whose process is gone, and treats its run as unfinished', async () => {
    await lockContainer('unix:///e', 'c1', options({ self: { pid: 101, hostname: 'h' } }));
    const held = await lockContainer(
      'unix:///e',
      'c1',
      options({ waitMs: 0, self: { pid: 102, hostname: 'h' }, isAlive: (pid) => pid !== 101 }),
    );
    assert.equal(held.previous?.unfinished, 'pid 101 on h stopped without releasing its lock');
    await held.release();
  });

  it('does not judge a live-looking holder on another host, but does break an expired one', async () => {
    await lockContainer(
      'unix:///e',
      'c1',
      options({ self: { pid: 101, hostname: 'elsewhere' }, isAlive: () => false }),
    );
    await assert.rejects(
      lockContainer('unix:///e', 'c1', options({ waitMs: 0, self: { pid: 102, hostname: 'h' }, isAlive: () => false })),
      LockHeldError,
    );
    await rm(dir, { recursive: true, force: true });
    await lockContainer(
      'unix:///e',
      'c1',
      options({ holdMs: -60_000, waitMs: 0, self: { pid: 101, hostname: 'elsewhere' } }),
    );
    const held = await lockContainer(
      'unix:///e',
      'c1',
      options({ waitMs: 0, self: { pid: 102, hostname: 'h' }, isAlive: () => true }),
    );
    await held.release();
  });

  it('an unfinished run is remembered: the next taker breaks it at once and learns why', async () => {
    const first = await lockContainer(
      'unix:///e',
      'c1',
      options({ self: { pid: 101, hostname: 'h' }, isAlive: () => true }),
    );
    await first.leaveUnfinished('lost the connection to the engine');
    const next = await lockContainer(
      'unix:///e',
      'c1',
      options({ waitMs: 0, self: { pid: 102, hostname: 'h' }, isAlive: () => true }),
    );
    assert.equal(next.previous?.unfinished, 'lost the connection to the engine');
    assert.equal(next.previous?.pid, 101);
    await next.release();
    const after = await lockContainer('unix:///e', 'c1', options({ waitMs: 0 }));
    assert.equal(after.previous, undefined, 'released normally: nothing to remember');
    await after.release();
  });

  it('of many takers racing for one container, exactly one holds it at a time', async () => {
    let holding = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const held = await lockContainer(
          'unix:///e',
          'c1',
          options({ waitMs: 30_000, self: { pid: 1000 + i, hostname: 'h' }, isAlive: () => true }),
        );
        holding += 1;
        most = Math.max(most, holding);
        await new Promise((resolve) => setTimeout(resolve, 5));
        holding -= 1;
        await held.release();
      }),
    );
    assert.equal(most, 1);
  });
});
