import ora, { type Ora } from 'ora';
import type { ProgressEvent } from '../patch/types.js';
import type { Io } from './io.js';

/** Live progress on a terminal (ora on stderr); nothing at all otherwise or with --quiet. */
export interface Progress {
  onProgress(event: ProgressEvent): void;
  stop(): void;
}

export function startProgress(io: Io, total: number, quiet: boolean): Progress {
  const interactive = io.stderr.isTTY === true && !quiet && io.env.CI !== 'true';
  if (!interactive) return { onProgress: () => {}, stop: () => {} };
  const spinner: Ora = ora({ stream: io.stderr, text: `patching ${total} container(s)`, color: 'cyan', isEnabled: true }).start();
  const inFlight = new Map<string, string>();
  return {
    onProgress(event) {
      inFlight.set(event.container, event.step);
      spinner.text = [...inFlight].map(([name, step]) => `${name}: ${step}`).join(', ');
    },
    stop() {
      spinner.stop();
    },
  };
}
