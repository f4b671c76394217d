import type { FileToWrite } from '../docker/container-client.js';
import type { Family, Installer } from '../distro/family.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import type { Survey } from '../system-store/survey.js';
import type { CertificateToInstall, InstallMode, PatchMethod, PlanSummary } from '../types.js';

// The survey a plan is made from belongs to the system store; the steps take it from here with the plan.
export type { Survey } from '../system-store/survey.js';

/** A bundle file to append the CA to, at the path it really lives at. */
export interface SeedTarget {
  realPath: string;
  /** True when no bundle exists at all and this one is created with the CA alone. */
  create: boolean;
}

export interface Plan {
  family: Family;
  seeds: SeedTarget[];
  /**
   * Seed before anything else: when a package manager will run (it may need the CA to reach
   * its repositories through the proxy) or when the seeded bundle is the whole patch. An
   * update command alone rebuilds the bundle from the anchors, so seeding first is wasted work.
   */
  seedFirst: boolean;
  anchors: FileToWrite[];
  install: Installer | undefined;
  /** Why an install the mode asks for cannot happen, as one line. */
  installNote: string | undefined;
  /** The update command to run: the one there, or the one the install brings. */
  update: readonly string[] | undefined;
  method: PatchMethod;
  check: string | null;
}

/** Decides, from what the survey found, every file and command of the patch. Pure. */
export function makePlan(survey: Survey, certificates: readonly CertificateToInstall[], mode: InstallMode): Plan {
  const { family } = survey.detection;
  const { tools } = survey;
  const wanted = mode === 'always' || (mode === 'auto' && tools.update === undefined);
  const install = wanted ? tools.installer : undefined;
  let installNote: string | undefined;
  // The generic family has no package to install: nothing worth a warning.
  if (wanted && install === undefined && family.installers.length > 0) {
    installNote = `no package manager in the container (looked for ${family.installers.map((i) => i.manager).join(', ')})`;
  }
  const update = tools.update ?? (install ? family.updateCommands[0] : undefined);
  return {
    family,
    seeds: seedTargets(survey.bundles, family, certificates),
    anchors:
      family.anchorDir === undefined
        ? []
        : certificates.map((c) => ({
            path: `${family.anchorDir}/${c.name}${family.anchorExtension}`,
            content: c.certificate.pem,
            mode: 0o644,
          })),
    seedFirst: install !== undefined || update === undefined,
    install,
    installNote,
    update,
    method: update === undefined ? 'archive-only' : 'update-command',
    check: tools.clients[0]?.tool ?? null,
  };
}

/**
 * Each distinct existing bundle that lacks a certificate, by its real path (Alpine's
 * /etc/ssl/cert.pem links to certs/ca-certificates.crt: one file, appended once). With no
 * bundle at all, the family's main bundle is created (or each of `bundlesWhenNone`).
 */
function seedTargets(
  bundles: readonly BundleSnapshot[],
  family: Family,
  certificates: readonly CertificateToInstall[],
): SeedTarget[] {
  const existing = bundles.filter((b) => b.content !== undefined);
  if (existing.length === 0)
    return (family.bundlesWhenNone ?? family.bundles.slice(0, 1)).map((realPath) => ({ realPath, create: true }));
  const targets: SeedTarget[] = [];
  for (const bundle of existing) {
    const lacks = certificates.some((c) => !bundle.fingerprints.includes(c.certificate.fingerprint));
    if (lacks && !targets.some((t) => t.realPath === bundle.realPath))
      targets.push({ realPath: bundle.realPath, create: false });
  }
  return targets;
}

/** The plan as a dry run prints it. */
export function planSummary(plan: Plan): PlanSummary {
  return {
    family: plan.family.id,
    // Without a seed, the bundles are rewritten by the update command, which `commands` lists.
    files: [...(plan.seedFirst ? plan.seeds.map((s) => s.realPath) : []), ...plan.anchors.map((a) => a.path)],
    commands: [...(plan.install?.commands ?? []), ...(plan.update ? [plan.update] : [])].map((argv) => [...argv]),
    // Whether a wget validates is known only once it has run (BusyBox's may not).
    check: plan.check === 'wget' ? 'wget (if it validates certificates)' : plan.check,
  };
}
