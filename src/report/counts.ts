/** `already-trusted` -> `alreadyTrusted`: a status as a key of a JSON summary. */
export function camel(status: string): string {
  return status.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
}

/** `{ total, patched, alreadyTrusted, ... }`: how many results have each status (every key present, camel-cased). */
export function countStatuses(
  results: readonly { status: string }[],
  statuses: readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = { total: results.length };
  for (const status of statuses) counts[camel(status)] = 0;
  for (const { status } of results) counts[camel(status)] = (counts[camel(status)] ?? 0) + 1;
  return counts;
}

export const ADD_STATUSES = ['patched', 'already-trusted', 'covered', 'skipped', 'failed', 'planned'] as const;
export const CHECK_STATUSES = ['trusted', 'untrusted', 'unreachable', 'unknown', 'skipped', 'failed'] as const;
export const STATUS_STATUSES = ['complete', 'incomplete', 'clean', 'skipped', 'failed'] as const;
