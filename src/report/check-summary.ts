import type { CheckResult } from '../check/https-check.js';

/** Several URLs' checks folded into one: ok only when every URL passed a real TLS check. */
export interface CheckSummary {
  ok: boolean;
  tool: string | null;
  detail: string;
  results: CheckResult[];
}

export function summarizeChecks(results: readonly CheckResult[]): CheckSummary | null {
  if (results.length === 0) return null;
  const failed = results.find((r) => !r.ok);
  const tools = [...new Set(results.map((r) => r.tool).filter((t): t is string => t !== null))];
  return { ok: failed === undefined, tool: tools.join(',') || null, detail: failed ? failed.detail : 'ok', results: [...results] };
}
