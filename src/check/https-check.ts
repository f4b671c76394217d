import type { ContainerClient } from '../docker/container-client.js';
import { tail } from '../errors.js';

/** The outcome of one HTTPS check run inside a container. */
export interface CheckResult {
  url: string;
  ok: boolean;
  /** The client that ran the check, or null when the container has none. */
  tool: string | null;
  /** `ok`, `curl 60: SSL certificate problem: ...`, `no TLS client in the container`. */
  detail: string;
}

export interface CheckOptions {
  /** Send the check through this proxy; otherwise the container's own HTTPS_PROXY applies. */
  proxy?: string;
  timeoutMs?: number;
  /** Run as this user (the container's own by default: what the application sees). */
  user?: string;
}

/** Exit statuses with which an exec reports that the program does not exist (OCI runtime). */
const NOT_FOUND = new Set([126, 127]);

/** Runs `curl` inside the container against `url` and reports whether TLS verification passed. */
export async function runCheck(client: ContainerClient, id: string, url: string, options: CheckOptions = {}): Promise<CheckResult> {
  const seconds = Math.max(1, Math.round((options.timeoutMs ?? 15_000) / 1000));
  const argv = ['curl', '-sS', '-o', '/dev/null', '--max-time', String(seconds)];
  if (options.proxy !== undefined) argv.push('--proxy', options.proxy);
  argv.push('--', url);
  const result = await client.exec(id, argv, { user: options.user, timeoutMs: (seconds + 5) * 1000 });
  if (result.timedOut) return { url, ok: false, tool: 'curl', detail: 'curl timed out' };
  if (result.exitCode === 0) return { url, ok: true, tool: 'curl', detail: 'ok' };
  const message = tail(result.stderr || result.stdout, 1);
  if (NOT_FOUND.has(result.exitCode) && /not found|no such file/i.test(message)) {
    return { url, ok: false, tool: null, detail: 'no TLS client (curl) in the container' };
  }
  return { url, ok: false, tool: 'curl', detail: `curl ${result.exitCode}: ${message.replace(/^curl: \(\d+\) /, '')}` };
}

/** `ok` or `failed (curl 60)`, as the report shows it. */
export function checkSummary(result: CheckResult | undefined): string {
  if (result === undefined) return '-';
  if (result.ok) return 'ok';
  if (result.tool === null) return 'unavailable';
  return `failed (${result.detail.split(':')[0]})`;
}
