import type { CheckResult } from '../check/https-check.js';
import type { FailureCause } from '../check/tls-clients.js';

/**
 * Several URLs' checks folded into one: ok only when every URL passed a real TLS check. The
 * summary carries what each result carries, for the first URL that did not pass (or the
 * weakest proof when all did): `verifiedBy` and `failure` mean the same here as in `results[]`.
 */
export interface CheckSummary {
  ok: boolean;
  tool: string | null;
  /** `tls` when every URL passed a TLS check, `bundle` when the weakest proof was the bundle, else null. */
  verifiedBy: CheckResult['verifiedBy'];
  detail: string;
  /** Why the first URL that did not pass failed, when a client ran; null otherwise. */
  failure: FailureCause | null;
  results: CheckResult[];
}

export function summarizeChecks(results: readonly CheckResult[]): CheckSummary | null {
  if (results.length === 0) return null;
  const failed = results.find((r) => !r.ok && r.verifiedBy !== 'bundle') ?? results.find((r) => !r.ok);
  const tools = [...new Set(results.map((r) => r.tool).filter((t): t is string => t !== null))];
  const verifiedBy = results.every((r) => r.verifiedBy === 'tls')
    ? 'tls'
    : results.every((r) => r.verifiedBy !== null)
      ? 'bundle'
      : null;
  return {
    ok: results.every((r) => r.ok),
    tool: tools.join(',') || null,
    verifiedBy,
    detail: failed ? failed.detail : 'ok',
    failure: failed?.failure ?? null,
    results: [...results],
  };
}
