import ora, { type Ora } from 'ora';
import type { ProgressEvent } from '../types.js';
import type { Io } from './io.js';
import { writeLine } from './io.js';

/** Live progress on stderr: an ora spinner on a terminal, else one plain line per finished container. */
export interface Progress {
  onProgress(event: ProgressEvent): void;
  finished(name: string, summary: string, failed: boolean): void;
  stop(): void;
}

export function startProgress(io: Io, total: number, options: { quiet: boolean; verb: string }): Progress {
  let done = 0;
  let failures = 0;
  const count = () => `[${done}/${total}]`;
  if (options.quiet) return { onProgress: () => {}, finished: () => {}, stop: () => {} };
  // A terminal that reports no width (a bare pty) makes ora clear lines without end: plain lines there.
  const width = (io.stderr as { columns?: number }).columns ?? 0;
  if (io.stderr.isTTY !== true || width <= 0) {
    return {
      // Waiting on another run can take minutes: say so even without a spinner.
      onProgress: (event) => {
        if (event.step.startsWith('waiting for')) writeLine(io.stderr, `${count()} ${event.container}: ${event.step}`);
      },
      finished(name, summary, failed) {
        done += 1;
        if (failed) failures += 1;
        writeLine(io.stderr, `${count()} ${name}: ${summary}`);
      },
      stop: () => {},
    };
  }
  const noColor = (io.env.NO_COLOR ?? '') !== '';
  const spinner: Ora = ora({
    stream: io.stderr,
    text: `${options.verb} ${total} container(s)`,
    color: noColor ? false : 'cyan',
    discardStdin: false,
  }).start();
  const inFlight = new Map<string, string>();
  const render = () => {
    const steps = [...inFlight].slice(0, 3).map(([name, step]) => `${name}: ${step}`);
    const more = inFlight.size > 3 ? ` (+${inFlight.size - 3} more)` : '';
    spinner.text = `${count()} ${failures} failed${steps.length > 0 ? ` · ${steps.join(' · ')}${more}` : ''}`;
  };
  return {
    onProgress(event) {
      inFlight.set(event.container, event.step);
      render();
    },
    finished(name, _summary, failed) {
      inFlight.delete(name);
      done += 1;
      if (failed) failures += 1;
      render();
    },
    stop() {
      if (spinner.isSpinning) spinner.stop();
    },
  };
}

/**
 * The progress of a fleet command (add, check, remove, status) as hooks for its options: quiet
 * until the selection is known, then a spinner or plain lines on stderr; with `engineNames`
 * and several engines, a container is named with its engine. `outcome` says what its line says.
 */
export function fleetProgress<R extends { name: string; engine: string }>(
  io: Io,
  options: { quiet: boolean; verb: string; engineNames?: boolean },
  outcome: (result: R) => { summary: string; failed: boolean },
) {
  let several = false;
  let progress = startProgress(io, 0, { quiet: true, verb: '' });
  const hooks = {
    onSelected: (count: number, engines: readonly string[]) => {
      several = options.engineNames === true && engines.length > 1;
      progress = startProgress(io, count, { quiet: options.quiet, verb: options.verb });
    },
    onResult: (result: R) => {
      const { summary, failed } = outcome(result);
      progress.finished(several ? `${result.name} on ${result.engine}` : result.name, summary, failed);
    },
  };
  return { hooks, onProgress: (event: ProgressEvent) => progress.onProgress(event), stop: () => progress.stop() };
}
