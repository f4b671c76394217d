/** An engine client that lists every call it makes, for the profile and the benchmark. */
import type { ContainerClient } from '../src/docker/container-client.js';

export interface Call {
  kind: string;
  detail: string;
  ms: number;
}

/** Wraps every method of a client so that each call is timed and listed. */
export function traced(inner: ContainerClient, calls: Call[]): ContainerClient {
  const describe = (method: string, args: unknown[]): string => {
    if (method === 'exec') return (args[1] as string[]).join(' ').replace(/\s+/g, ' ').slice(0, 90);
    if (method === 'putFiles') return (args[1] as { path: string }[]).map((f) => f.path).join(', ');
    return typeof args[1] === 'string' ? args[1] : '';
  };
  // One kind per program run, so that the update, the checks and the scans are told apart.
  const kind = (method: string, args: unknown[]) =>
    method === 'exec'
      ? `exec ${String((args[1] as string[])[0])
          .split('/')
          .pop()}`
      : method;
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          calls.push({
            kind: kind(String(property), args),
            detail: describe(String(property), args),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
        }
      };
    },
  });
}
