import type { ContainerInfo } from '../docker/container-client.js';
import { lockContainer, type HeldLock } from './lock.js';
import type { PatchContext } from './steps/state.js';

/** Waits for another run on this host that patches the same container (half the time budget, at least 5s). */
export function takeLock(context: PatchContext, info: ContainerInfo): Promise<HeldLock> {
  const { timeoutMs, lockDir } = context.options;
  return lockContainer(context.client.endpoint, info.id, {
    dir: lockDir,
    waitMs: Math.max(5_000, Math.floor(timeoutMs / 2)),
    holdMs: timeoutMs + 120_000,
    onWait: (holder) =>
      context.onProgress?.({
        container: info.name,
        step: `waiting for another trustpatch run${holder ? ` (pid ${holder.pid} on ${holder.hostname})` : ''} to finish`,
      }),
  });
}
