import type { AppSurvey } from '../app-stores/app-stores.js';
import { writableCertifi, writableJava } from '../app-stores/app-stores.js';
import { importArgv } from '../app-stores/java.js';
import type { CertificateToInstall, PlanSummary } from '../types.js';

// A dry run's plan and the status read both ask which bundles are the system's.
export { systemPaths } from '../system-store/survey.js';

/** A dry run's plan with the application stores it would write (certifi files, keytool imports). */
export function withAppPlan(
  system: PlanSummary | undefined,
  family: string,
  apps: AppSurvey,
  certificates: readonly CertificateToInstall[],
): PlanSummary {
  const plan: PlanSummary = system
    ? { ...system, files: [...system.files], commands: [...system.commands] }
    : { family, files: [], commands: [], check: null };
  const lacks = (held: readonly string[]) => certificates.filter((c) => !held.includes(c.certificate.fingerprint));
  for (const store of writableCertifi(apps)) if (lacks(store.fingerprints).length > 0) plan.files.push(store.realPath);
  for (const store of writableJava(apps))
    for (const c of lacks(store.fingerprints!)) plan.commands.push(importArgv(store, c.certificate.fingerprint));
  return plan;
}
