/** `{ total, patched, alreadyTrusted, ... }`: how many results have each status (every key present, camel-cased). */
export function countStatuses(
  results: readonly { status: string }[],
  statuses: readonly string[],
): Record<string, number> {
  const camel = (status: string) => status.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
  const counts: Record<string, number> = { total: results.length };
  for (const status of statuses) counts[camel(status)] = 0;
  for (const { status } of results) counts[camel(status)] = (counts[camel(status)] ?? 0) + 1;
  return counts;
}

export const ADD_STATUSES = ['patched', 'already-trusted', 'covered', 'skipped', 'failed', 'planned'] as const;
export const CHECK_STATUSES = ['trusted', 'untrusted', 'unreachable', 'unknown', 'skipped', 'failed'] as const;
