import { envelope } from '../../report/envelope.js';
import type { InspectReport } from './run.js';

/** The document `inspect --json` prints: the report under the common envelope. */
export function inspectDocument(report: InspectReport) {
  return { ...envelope('inspect', []), ...report };
}
