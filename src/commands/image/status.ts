import { bundleFingerprints } from '../../cert/pem.js';
import { readContainerFile } from '../../docker/files.js';
import type { ContainerClient } from '../../docker/container-client.js';
import { CA_LABEL, labelFingerprints, TEMPORARY_VALUE } from '../../image/image-config.js';
import { inspectNamed, openImageEngine } from '../../image/image-engine.js';
import type { ManifestEntry } from '../../record/manifest.js';
import { readManifest } from '../../record/store.js';
import type { EngineOptions } from '../engines.js';

export interface ImageStatusOptions extends EngineOptions {
  image: string;
}

/** One CA trustpatch put into the image, as its record says, checked against the files. */
export interface ImageCa {
  fingerprint: string;
  name: string;
  subject: string;
  family: string;
  method: string | null;
  addedAt: string;
  /** Named by the image's `trustpatch.ca-fingerprints` label. */
  labelled: boolean;
  /** Every recorded bundle and anchor file still holds it. */
  present: boolean;
}

export interface ImageStatusReport {
  engine: string;
  image: { reference: string; id: string };
  cas: ImageCa[];
  /** Fingerprints the label names that the record does not hold. */
  unrecorded: string[];
  warnings: string[];
}

/**
 * `trustpatch image status IMAGE`: which trustpatch CAs an image carries, from the record inside
 * it (/var/lib/trustpatch/manifest.json), read through the archive API of a container that is
 * created and never started, then removed. Nothing of the image runs.
 */
export async function runImageStatus(options: ImageStatusOptions): Promise<ImageStatusReport> {
  const { client, images } = await openImageEngine(options, 'image status');
  const image = await inspectNamed(images, options.image);
  // A command is needed to create a container of an image that has none; it never runs.
  const id = await images.createContainer({
    image: image.id,
    cmd: ['/trustpatch-never-started'],
    labels: { [CA_LABEL]: TEMPORARY_VALUE },
  });
  try {
    const record = await readManifest(client, id);
    const labelled = labelFingerprints(image.config);
    const cas = await Promise.all(
      record.manifest.entries.map(async (entry) => ({
        ...summary(entry),
        labelled: labelled.includes(entry.fingerprint),
        present: await holdsEverywhere(client, id, entry),
      })),
    );
    const unrecorded = labelled.filter((f) => !cas.some((ca) => ca.fingerprint === f));
    return {
      engine: client.endpoint,
      image: { reference: options.image, id: image.id },
      cas,
      unrecorded,
      warnings: record.problem === undefined ? [] : [record.problem],
    };
  } finally {
    await images.removeContainer(id);
  }
}

function summary(entry: ManifestEntry): Omit<ImageCa, 'labelled' | 'present'> {
  return {
    fingerprint: entry.fingerprint,
    name: entry.name,
    subject: entry.subject,
    family: entry.family,
    method: entry.method,
    addedAt: entry.addedAt,
  };
}

async function holdsEverywhere(client: ContainerClient, id: string, entry: ManifestEntry): Promise<boolean> {
  const paths = [...entry.bundles.map((b) => b.path), ...(entry.anchor === null ? [] : [entry.anchor])];
  for (const path of paths) {
    const file = await readContainerFile(client, id, path);
    if (file === undefined || !bundleFingerprints(file.content.toString('latin1')).includes(entry.fingerprint))
      return false;
  }
  return true;
}

/** Exit status: 0 when the image carries a trustpatch CA and every file still holds it; 1 otherwise. */
export function imageStatusExitCode(report: ImageStatusReport): number {
  return report.cas.length > 0 && report.cas.every((ca) => ca.present) ? 0 : 1;
}
