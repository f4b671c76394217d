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
