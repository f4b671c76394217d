import { countStatuses } from './counts.js';

/** What the --json of add, check, remove and status is made from, besides their own fields. */
export interface FleetJsonInput<R> {
  engines: readonly string[];
  results: readonly R[];
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
}

/** The fields each container of a fleet command's document starts with. */
export function containerJson(r: { id: string; name: string; image: string; engine: string; family: string | null }) {
  return { id: r.id, name: r.name, image: r.image, engine: r.engine, family: r.family };
}

/** The summary a fleet command's document ends with: a count per status (every one present), the time, the exit status. */
export function summaryJson(input: FleetJsonInput<{ status: string }>, statuses: readonly string[]) {
  return {
    ...countStatuses(input.results, statuses),
    durationMs: input.durationMs,
    exitCode: input.exitCode,
    interrupted: input.interrupted,
  };
}
