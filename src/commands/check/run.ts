import { runCheck, type CheckResult } from '../../check/https-check.js';
import type { ContainerClient, ContainerInfo } from '../../docker/container-client.js';
import { DeadlineClient } from '../../docker/deadline-client.js';
import { detectFamily } from '../../distro/detect.js';
import { errorMessage } from '../../errors.js';
import { runOnFleet, type FleetOptions, type FleetReport } from '../fleet.js';
import { checkOptions, ENGINE_SPEC } from '../check-options.js';

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

export type CheckReport = FleetReport<CheckContainerResult>;

export interface CheckOptions extends FleetOptions<CheckContainerResult> {
  checkUrls: readonly string[];
  proxy?: string;
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
  return runOnFleet<CheckContainerResult>(
    options,
    ({ client, info }, timeoutMs) => checkOne(new DeadlineClient(client, timeoutMs, 0), info, options),
    (info) => ({
      id: info.id,
      name: info.name,
      image: info.image,
      status: 'skipped',
      family: null,
      checks: [],
      reason: 'interrupted before it started',
      durationMs: 0,
    }),
  );
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
    const status = verdictOf(checks);
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

function verdictOf(checks: readonly CheckResult[]): CheckStatus {
  if (checks.every((c) => c.ok)) return 'trusted';
  if (checks.some((c) => c.failure === 'untrusted')) return 'untrusted';
  if (checks.some((c) => c.failure === 'unreachable')) return 'unreachable';
  return 'unknown';
}
