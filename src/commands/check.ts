import { runCheck, type CheckResult } from '../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { connect } from '../docker/connect.js';
import { DeadlineClient } from '../docker/deadline-client.js';
import { errorMessage } from '../errors.js';
import { selectContainers } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';
import { DEFAULT_TIMEOUT_SECONDS } from './add.js';

/**
 * `trusted`: every check passed; `untrusted`: a TLS client rejected a certificate;
 * `unreachable`: a client could not reach a URL at all; `unknown`: no TLS client.
 */
export type CheckStatus = 'trusted' | 'untrusted' | 'unreachable' | 'unknown' | 'skipped' | 'failed';

export interface CheckContainerResult {
  id: string;
  name: string;
  image: string;
  status: CheckStatus;
  checks: CheckResult[];
  reason?: string;
  durationMs: number;
}

export interface CheckOptions {
  selector: Selector;
  checkUrls: readonly string[];
  proxy?: string;
  timeoutMs?: number;
  concurrency?: number;
  host?: string;
  client?: ContainerClient;
  signal?: AbortSignal;
  onSelected?: (count: number) => void;
  onResult?: (result: CheckContainerResult) => void;
}

/** `trustpatch check`: only the in-container HTTPS check, on the same selection as `add`; changes nothing. */
export async function runCheckCommand(options: CheckOptions): Promise<{ results: CheckContainerResult[]; interrupted: boolean }> {
  const client = options.client ?? connect({ host: options.host });
  await client.ping();
  const targets = await selectContainers(client, options.selector);
  options.onSelected?.(targets.length);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const results = await runFleet<CheckContainerResult>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    (info) => checkOne(new DeadlineClient(client, timeoutMs, 0), info, options),
    (info) => ({ id: info.id, name: info.name, image: info.image, status: 'skipped', checks: [], reason: 'interrupted before it started', durationMs: 0 }),
  );
  return { results, interrupted: options.signal?.aborted === true };
}

async function checkOne(client: ContainerClient, info: ContainerInfo, options: CheckOptions): Promise<CheckContainerResult> {
  const started = Date.now();
  const base = { id: info.id, name: info.name, image: info.image };
  if (!info.running) return { ...base, status: 'skipped', checks: [], reason: `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`, durationMs: 0 };
  try {
    const checks: CheckResult[] = [];
    for (const url of options.checkUrls) checks.push(await runCheck(client, info.id, url, { proxy: options.proxy, user: info.user || '0' }));
    const status = statusOf(checks);
    return { ...base, status, checks, durationMs: Date.now() - started };
  } catch (error) {
    return { ...base, status: 'failed', checks: [], reason: errorMessage(error), durationMs: Date.now() - started };
  }
}

function statusOf(checks: readonly CheckResult[]): CheckStatus {
  if (checks.every((c) => c.ok)) return 'trusted';
  if (checks.some((c) => c.failure === 'untrusted')) return 'untrusted';
  if (checks.some((c) => c.failure === 'unreachable')) return 'unreachable';
  return 'unknown';
}
