import { runCheck, type CheckResult } from '../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { DeadlineClient } from '../docker/deadline-client.js';
import { detectFamily } from '../distro/detect.js';
import { errorMessage } from '../errors.js';
import { selectOnEngines, type EngineTarget } from '../select/select-containers.js';
import type { Selector } from '../select/selector.js';
import { openEngines, type EngineOptions, type OnEngine } from './engines.js';
import { DEFAULT_CONCURRENCY, runFleet } from './fleet.js';
import { DEFAULT_TIMEOUT_SECONDS } from './add.js';
import { checkOptions, ENGINE_SPEC } from '../util/check-options.js';

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
  /** The distribution family, as add would detect it (null when not running or not detected). */
  family: string | null;
  checks: CheckResult[];
  reason?: string;
  durationMs: number;
}

export interface CheckReport {
  /** The address of every engine used, in order. */
  engines: string[];
  results: OnEngine<CheckContainerResult>[];
  interrupted: boolean;
}

export interface CheckOptions extends EngineOptions {
  selector: Selector;
  checkUrls: readonly string[];
  proxy?: string;
  timeoutMs?: number;
  concurrency?: number;
  signal?: AbortSignal;
  /** Called once the selection is known: how many containers, on which engines. */
  onSelected?: (count: number, engines: readonly string[]) => void;
  onResult?: (result: OnEngine<CheckContainerResult>) => void;
}

/** `trustpatch check`: only the in-container HTTPS check, on the same selection as `add`; changes nothing. */
export async function runCheckCommand(options: CheckOptions): Promise<CheckReport> {
  options = checkOptions('runCheckCommand', options, {
    ...ENGINE_SPEC,
    selector: 'selector!',
    checkUrls: 'strings!',
    proxy: 'string',
    timeoutMs: 'timeout',
    concurrency: 'concurrency',
    signal: 'object',
    onSelected: 'function',
    onResult: 'function',
  });
  const clients = await openEngines(options);
  const targets = await selectOnEngines(clients, options.selector);
  options.onSelected?.(
    targets.length,
    clients.map((client) => client.endpoint),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const results = await runFleet<OnEngine<CheckContainerResult>, EngineTarget>(
    targets,
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, signal: options.signal, onResult: options.onResult },
    async ({ client, info }) => ({
      ...(await checkOne(new DeadlineClient(client, timeoutMs, 0), info, options)),
      engine: client.endpoint,
    }),
    ({ client, info }) => ({
      id: info.id,
      name: info.name,
      image: info.image,
      engine: client.endpoint,
      status: 'skipped',
      family: null,
      checks: [],
      reason: 'interrupted before it started',
      durationMs: 0,
    }),
  );
  return { engines: clients.map((client) => client.endpoint), results, interrupted: options.signal?.aborted === true };
}

async function checkOne(
  client: ContainerClient,
  info: ContainerInfo,
  options: CheckOptions,
): Promise<CheckContainerResult> {
  const started = Date.now();
  const base = { id: info.id, name: info.name, image: info.image, family: null };
  if (!info.running)
    return {
      ...base,
      status: 'skipped',
      checks: [],
      reason: `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`,
      durationMs: 0,
    };
  try {
    // One read of os-release: which family this container is, as add would report it.
    const family = (await detectFamily(client, info.id).catch(() => undefined))?.family.id ?? null;
    const checks: CheckResult[] = [];
    for (const url of options.checkUrls)
      checks.push(await runCheck(client, info.id, url, { proxy: options.proxy, user: info.user || '0' }));
    const status = statusOf(checks);
    return { ...base, family, status, checks, durationMs: Date.now() - started };
  } catch (error) {
    return { ...base, status: 'failed', checks: [], reason: errorMessage(error), durationMs: Date.now() - started };
  }
}

/** 130 when interrupted; 0 when every running container is trusted; else 1. */
export function checkExitCode(results: readonly CheckContainerResult[], interrupted = false): number {
  if (interrupted) return 130;
  return results.every((r) => r.status === 'trusted' || r.status === 'skipped') ? 0 : 1;
}

function statusOf(checks: readonly CheckResult[]): CheckStatus {
  if (checks.every((c) => c.ok)) return 'trusted';
  if (checks.some((c) => c.failure === 'untrusted')) return 'untrusted';
  if (checks.some((c) => c.failure === 'unreachable')) return 'unreachable';
  return 'unknown';
}
