import type { PlanSummary } from '../types.js';
import type { RollbackOutcome } from '../types.js';

/** One certificate taken out of a container, and from where. */
export interface RemovedCertificate {
  fingerprint: string;
  subject: string;
  name: string;
  /** `deleted`; `emptied` where there is no rm (the archive API cannot delete); null: not touched. */
  anchor: 'deleted' | 'emptied' | null;
  bundles: string[];
  certifi: string[];
  java: string[];
}

/** Certificates in a bundle before and after the removal: exactly the removed ones are gone. */
export interface BundleCount {
  path: string;
  before: number;
  after: number;
}

interface RemoveBase {
  id: string;
  name: string;
  image: string;
  family: string | null;
  removed: RemovedCertificate[];
  counts: BundleCount[];
  /** Copies of the certificate trustpatch did not add, left where they are. */
  left: string[];
  warnings: string[];
  /** What became of the record: `updated`, `deleted`, `emptied` (no rm), or null (untouched). */
  record: 'updated' | 'deleted' | 'emptied' | null;
  durationMs: number;
}

/** `removed`; `not-present`: trustpatch had added nothing that matches (a rerun); the rest as for add. */
export type RemoveResult =
  | (RemoveBase & { status: 'removed' })
  | (RemoveBase & { status: 'not-present' })
  | (RemoveBase & { status: 'skipped'; reason: string })
  | (RemoveBase & { status: 'failed'; reason: string; rollback: RollbackOutcome })
  | (RemoveBase & { status: 'planned'; plan: PlanSummary });

export const REMOVE_STATUSES = ['removed', 'not-present', 'skipped', 'failed', 'planned'] as const;
