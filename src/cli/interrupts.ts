/**
 * Ctrl-C (SIGINT) and SIGTERM as the CLI sees them. bin/ feeds each one to `receive`: the first
 * aborts `signal` (no new container starts; those in flight finish or roll back); a further one
 * quits at once, unless a command holds the exit, as the revert of temporary trust does: then
 * the holder hears of it (and says what it is still reverting) and the process carries on.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private holder: (() => void) | undefined;

  /** `external`: an AbortSignal a library caller passes to main(); its abort counts as the first interrupt. */
  constructor(external?: AbortSignal) {
    if (external?.aborted) this.controller.abort();
    external?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** What to do with one more interrupt: `aborted` (the first), `held` (told to the holder) or `exit`. */
  receive(): 'aborted' | 'held' | 'exit' {
    if (!this.controller.signal.aborted) {
      this.controller.abort();
      return this.holder ? 'held' : 'aborted';
    }
    if (this.holder === undefined) return 'exit';
    this.holder();
    return 'held';
  }

  /** While held, further interrupts call `onRepeat` instead of quitting; returns the release. */
  hold(onRepeat: () => void): () => void {
    this.holder = onRepeat;
    return () => {
      if (this.holder === onRepeat) this.holder = undefined;
    };
  }
}
