import type { Certificate } from '../../cert/certificate.js';
import type { CertificateToInstall, ContainerResult, PlanSummary } from '../../types.js';
import { envelope } from '../../report/envelope.js';
import type { RestartNote } from '../../runtimes/restart-needed.js';
import type { StoreOutcome } from '../../app-stores/types.js';
import type { StoreMount } from '../../mounts/mount-map.js';
import { summarizeChecks, type CheckSummary } from '../../report/check-summary.js';
import { ADD_STATUSES } from '../../report/counts.js';
import { containerJson, summaryJson, type FleetJsonInput } from '../../report/fleet-json.js';

export interface JsonContainer {
  id: string;
  name: string;
  image: string;
  engine: string;
  family: string | null;
  method: string | null;
  status: ContainerResult['status'];
  check: { before: CheckSummary | null; after: CheckSummary | null };
  error: string | null;
  rollback: string | null;
  warnings: string[];
  /** A dry run's plan (family, files, commands, check); null otherwise. */
  plan: PlanSummary | null;
  /** Application stores (certifi, Java) and what was done to each. */
  stores: StoreOutcome[];
  /** Running processes that do not see the CA until restarted. */
  restartNeeded: RestartNote[];
  restarted: boolean;
  /** Mounts the paths the patch writes land on (type, source, volume, destination, readOnly, paths). */
  mounts: StoreMount[];
  /** For status `covered`: the container through which the shared store was patched. */
  coveredBy: string | null;
  /** The container whose update command's output was replicated into this one, or null. */
  replicatedFrom: string | null;
  durationMs: number;
}

/** The single document `add --json` prints on stdout. */
export function addDocument(
  input: FleetJsonInput<ContainerResult & { engine: string }> & {
    installed: readonly CertificateToInstall[];
    warnings: readonly string[];
  },
) {
  return {
    ...envelope('add', input.engines),
    certificates: input.installed.map(({ certificate, name }) => certificateJson(certificate, name)),
    warnings: [...input.warnings],
    containers: input.results.map(
      (r): JsonContainer => ({
        ...containerJson(r),
        method: r.method,
        status: r.status,
        check: { before: summarizeChecks(r.check.before), after: summarizeChecks(r.check.after) },
        error: 'reason' in r ? r.reason : null,
        rollback: 'rollback' in r ? r.rollback : null,
        warnings: r.warnings,
        plan: r.status === 'planned' ? r.plan : null,
        stores: r.stores ?? [],
        restartNeeded: r.restartNeeded ?? [],
        restarted: r.restarted === true,
        mounts: r.mounts ?? [],
        coveredBy: r.coveredBy ?? null,
        replicatedFrom: r.replicatedFrom ?? null,
        durationMs: r.durationMs,
      }),
    ),
    summary: summaryJson(input, ADD_STATUSES),
  };
}

function certificateJson(certificate: Certificate, name: string) {
  return {
    subject: certificate.subject,
    fingerprint: certificate.fingerprint,
    name,
    notAfter: certificate.notAfter.toISOString(),
  };
}
