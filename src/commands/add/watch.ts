import { NotFoundError, type ContainerClient, type ContainerStart } from '../../docker/container-client.js';
import { errorMessage, UserError } from '../../errors.js';
import type { ContainerResult } from '../../types.js';
import { selectorMatches } from '../../select/matches.js';
import type { EngineTarget } from '../../select/select-containers.js';
import type { Selector } from '../../select/selector.js';
import type { OnEngine } from '../engines.js';

/** `add --watch` after its first pass: the engines' container starts, each matching one patched once. */
export interface Watch {
  /** Starts patching: first the starts heard since startWatch, then each new one; `handled` ids are not patched again. */
  begin(handled: Iterable<string>): void;
  /** Stops listening and waits for the containers in flight; returns their results, in the order they ended. */
  stop(): Promise<OnEngine<ContainerResult>[]>;
  /** An engine whose event stream ended early, a started container that could not be looked at. */
  problems: string[];
}

export interface WatchOptions {
  clients: readonly ContainerClient[];
  selector: Selector;
  patch: (target: EngineTarget) => Promise<OnEngine<ContainerResult>>;
  concurrency: number;
  onStarted?: (start: ContainerStart, engine: string) => void;
  onResult?: (result: OnEngine<ContainerResult>) => void;
  onProblem?: (problem: string) => void;
}

/**
 * Subscribes to every engine's container starts at once (before the first pass selects, so
 * that a container starting in between is not missed; what the first pass handled is skipped
 * at begin). A start reported twice, or again while its container is being patched, is handled
 * once; a container skipped because it had stopped already may be patched at a later start.
 */
export function startWatch(options: WatchOptions): Watch {
  const missing = options.clients.filter((client) => client.watchStarts === undefined);
  if (missing.length > 0)
    throw new UserError(
      `--watch: ${missing.map((c) => c.endpoint).join(', ')} cannot report container starts (no event stream); run without --watch.`,
    );
  const stopping = new AbortController();
  const heard: { client: ContainerClient; start: ContainerStart }[] = [];
  const claimed = new Set<string>();
  const results: OnEngine<ContainerResult>[] = [];
  const inFlight = new Set<Promise<void>>();
  const problems: string[] = [];
  const slots = { free: Math.max(1, options.concurrency), waiting: [] as (() => void)[] };
  let begun = false;

  const handle = (client: ContainerClient, start: ContainerStart) => {
    if (!begun) return void heard.push({ client, start });
    if (stopping.signal.aborted || claimed.has(start.id)) return;
    claimed.add(start.id);
    const work = withSlot(slots, () =>
      patchStarted(client, start).catch((error: unknown) =>
        problem(
          `${start.name} on ${client.endpoint}: started, but could not be looked at (${errorMessage(error)}); it was not patched`,
        ),
      ),
    ).finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  const patchStarted = async (client: ContainerClient, start: ContainerStart) => {
    const info = await client
      .inspect(start.id)
      .catch((error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(error)));
    if (info === undefined) return; // removed again at once: nothing is left to patch, nor to judge against the selector
    if (!(await selectorMatches(client, options.selector, info))) return;
    options.onStarted?.(start, client.endpoint);
    const result = await options.patch({ client, info });
    // A container that had stopped before it could be patched may be patched when it starts again.
    if (result.status === 'skipped') claimed.delete(start.id);
    results.push(result);
    options.onResult?.(result);
  };

  const problem = (text: string) => {
    problems.push(text);
    options.onProblem?.(text);
  };
  const streams = options.clients.map((client) =>
    client.watchStarts!((start) => handle(client, start), stopping.signal).catch((error: unknown) =>
      problem(errorMessage(error)),
    ),
  );

  return {
    problems,
    begin(handled) {
      for (const id of handled) claimed.add(id);
      begun = true;
      for (const { client, start } of heard.splice(0)) handle(client, start);
    },
    async stop() {
      stopping.abort();
      await Promise.all(streams);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      return results;
    },
  };
}

/** At most `slots.free` at once. */
async function withSlot(slots: { free: number; waiting: (() => void)[] }, work: () => Promise<void>): Promise<void> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.free -= 1;
  try {
    await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free += 1;
  }
}
