import { errorMessage } from '../errors.js';

/** How long a rollback keeps trying an engine that stopped answering (it may be restarting). */
export const ENGINE_RETRY_MS = 30_000;
const RETRY_EVERY_MS = 1_000;

/** The engine went away under a call (restarted, crashed, socket gone), as opposed to refusing it. */
export function isConnectionDrop(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOENT', 'ECONNABORTED'].includes(code))
    return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|connect ENOENT/i.test(errorMessage(error));
}

/**
 * Retries work that failed because the engine dropped the connection, within one window that
 * starts at the first drop and is shared by every later call: a restarting engine (Docker with
 * live-restore keeps the containers running) gets a rollback done once it answers again, and
 * an engine that stays away costs the window once, not once per step.
 */
export class EngineWait {
  private until: number | undefined;

  constructor(
    private readonly windowMs = ENGINE_RETRY_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async retry<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!isConnectionDrop(error)) throw error;
        this.until ??= Date.now() + this.windowMs;
        if (Date.now() >= this.until) throw error;
        await this.sleep(RETRY_EVERY_MS);
      }
    }
  }
}
