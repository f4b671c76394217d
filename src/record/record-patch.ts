import type { ContainerClient } from '../docker/container-client.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import type { CertificateToInstall, PatchMethod } from '../types.js';
import type { AppPatch } from '../app-stores/app-stores.js';
import { VERSION } from '../version.js';
import { mergeEntries, type Manifest, type ManifestEntry } from './manifest.js';
import { writeManifest } from './store.js';
import type { TemporaryTrust } from './temporary.js';

export interface PatchRecordInput {
  certificates: readonly CertificateToInstall[];
  family: string;
  method: PatchMethod | null;
  /** Anchor path per fingerprint, for the anchors that were written. */
  anchors: ReadonlyMap<string, string>;
  /** Per bundle path, the text appended for each fingerprint (src/update/seed.ts, SeedTexts). */
  seedTexts: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Bundles created by the patch (there was none). */
  created: readonly string[];
  /** The system bundles as they were before the patch. */
  before: readonly BundleSnapshot[];
  app: AppPatch | undefined;
  /** The update command run, if any (src/undo/changes.ts, Changes). */
  changes: { updateCommand: readonly string[] | undefined };
  installCommands: readonly (readonly string[])[];
  /** Directories the patch created (src/system-store/created-dirs.ts). */
  createdDirs?: readonly string[];
  temporary?: TemporaryTrust;
  now?: Date;
}

/** One entry per certificate for which something was written; none for certificates that were already everywhere. */
export function patchEntries(input: PatchRecordInput): ManifestEntry[] {
  const addedAt = (input.now ?? new Date()).toISOString();
  const system = [...input.installCommands, ...(input.changes.updateCommand ? [input.changes.updateCommand] : [])].map(
    (argv) => [...argv],
  );
  return input.certificates.flatMap(({ certificate, name }): ManifestEntry[] => {
    const fp = certificate.fingerprint;
    // Every bundle that lacked it and now holds it: with the bytes the seed appended, or (the
    // update command wrote it from the anchor) the PEM, which a removal without that command cuts.
    const lacked =
      input.method === null
        ? []
        : [
            ...new Set(
              input.before
                .filter((b) => b.content !== undefined && !b.fingerprints.includes(fp))
                .map((b) => b.realPath),
            ),
          ];
    const bundles = [...new Set([...input.seedTexts.keys(), ...lacked])].flatMap((path) => {
      const text = input.seedTexts.get(path)?.get(fp) ?? (lacked.includes(path) ? certificate.pem : undefined);
      return text === undefined ? [] : [{ path, text, ...(input.created.includes(path) ? { created: true } : {}) }];
    });
    const certifi = input.app?.certifi.get(fp) ?? [];
    const java = input.app?.java.get(fp) ?? [];
    const anchor = input.anchors.get(fp) ?? null;
    if (anchor === null && bundles.length === 0 && certifi.length === 0 && java.length === 0) return [];
    const keytool = (input.app?.commands ?? []).filter((argv) => argv.includes(`trustpatch-${fp.slice(0, 16)}`));
    return [
      {
        fingerprint: fp,
        subject: certificate.subject,
        name,
        family: input.family,
        method: input.method,
        anchor,
        bundles,
        certifi,
        java,
        commands: [...(bundles.length > 0 || anchor ? system : []), ...keytool],
        ...(input.createdDirs?.length ? { createdDirs: [...input.createdDirs] } : {}),
        addedAt,
        trustpatchVersion: VERSION,
        ...(input.temporary ? { temporary: input.temporary } : {}),
      },
    ];
  });
}

/**
 * The last step of a successful patch: the record goes in through the archive API (no shell
 * needed). If it cannot be written, the patch fails and is rolled back: a change trustpatch
 * has no record of could not be removed exactly.
 */
export async function recordPatch(
  client: ContainerClient,
  id: string,
  existing: Manifest,
  entries: readonly ManifestEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await writeManifest(client, id, mergeEntries(existing, entries));
}
