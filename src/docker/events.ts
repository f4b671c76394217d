import type { Readable } from 'node:stream';
import type { ContainerStart } from './container-client.js';

/**
 * Reads the engine's event stream (GET /events: one JSON object per line, Docker's and Podman's
 * compat API alike, https://docs.docker.com/reference/api/engine/version/v1.43/#tag/System/operation/SystemEvents)
 * and calls `onStart` for each container start. Resolves when `signal` aborts (the stream is
 * closed then), rejects when the engine ends or breaks the stream first.
 */
export function readStarts(
  stream: Readable,
  onStart: (start: ContainerStart) => void,
  signal: AbortSignal,
  endpoint: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffered = '';
    const stop = () => {
      stream.destroy();
      resolve();
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
        const start = containerStart(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (start !== undefined) onStart(start);
      }
    });
    const ended = (error?: Error) => {
      signal.removeEventListener('abort', stop);
      if (signal.aborted) return resolve();
      reject(
        new Error(
          `${endpoint}: the engine ended its event stream${error ? ` (${error.message})` : ''}; containers started from now on are not watched`,
        ),
      );
    };
    stream.once('end', () => ended());
    stream.once('error', (error) => ended(error));
  });
}

/** One event line, if it is a container start: `status`/`Action` "start", the id, the name attribute. */
export function containerStart(line: string): ContainerStart | undefined {
  let event: {
    Type?: string;
    status?: string;
    Action?: string;
    id?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
    time?: number;
    timeNano?: number;
  };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return undefined;
  }
  if ((event.Type ?? 'container') !== 'container' || (event.Action ?? event.status) !== 'start') return undefined;
  const id = event.Actor?.ID ?? event.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const time = typeof event.timeNano === 'number' ? event.timeNano / 1e6 : (event.time ?? 0) * 1000;
  return { id, name: event.Actor?.Attributes?.name ?? id.slice(0, 12), time };
}
