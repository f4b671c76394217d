import { styleText } from 'node:util';
import type { Io } from './io.js';

type Color = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

/** Colors only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function painter(io: Io, stream: 'stdout' | 'stderr' = 'stdout'): (color: Color, text: string) => string {
  const enabled = io[stream].isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
  return (color, text) => (enabled ? styleText(color, text) : text);
}

/** Green for good outcomes, yellow for skips and weaker results, red for failures. */
export function statusColor(status: string): Color {
  if (['patched', 'already-trusted', 'covered', 'trusted', 'planned', 'removed', 'complete', 'clean'].includes(status))
    return 'green';
  if (['failed', 'untrusted', 'unreachable', 'incomplete'].includes(status)) return 'red';
  return 'yellow';
}

/** A table's STATUS cell painted by its status, on stdout: what every result table takes. */
export function statusPainter(io: Io): (status: string, text: string) => string {
  const paint = painter(io);
  return (status, text) => paint(statusColor(status), text);
}
