import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { detectFamily, type Detection } from '../distro/detect.js';
import { probeTools } from '../distro/probe.js';
import { snapshotBundles } from './bundles.js';
import type { Tools } from '../distro/probe.js';
import type { BundleSnapshot } from './bundles.js';
import { readStore, storeDirs, type StoreRead } from './store-listing.js';
import { readStoreFast } from './store-read-exec.js';
import type { InstallMode } from '../types.js';
import type { Family } from '../distro/family.js';

/** What was found in a container before anything is changed. */
export interface Survey {
  detection: Detection;
  tools: Tools;
  /** The family's bundles (the generic family: every known bundle path), as read. */
  bundles: BundleSnapshot[];
  /** The anchor directory and the bundles' directories as read before anything changed. */
  store: StoreRead;
  /** The update's other inputs, hashed in the container before anything changed (src/update/replication.ts). */
  inputs?: InputsDigest;
}

/** The SHA-256 of the archive the container's tar made of `paths` (absolute). */
export interface InputsDigest {
  paths: readonly string[];
  sha256: string;
}

/** What a read made before the survey's own gave: the store directories, and the inputs' digest where taken. */
export interface PreRead {
  store?: StoreRead;
  inputs?: InputsDigest;
}

/** Real paths of the system bundles that exist: a certifi or keystore leading there follows the system store. */
export function systemPaths(survey: Survey): Set<string> {
  return new Set(survey.bundles.filter((b) => b.content !== undefined).map((b) => b.realPath));
}

export interface SurveyOptions {
  install?: InstallMode;
  /** Look for a TLS client only when a check will run. */
  checks?: boolean;
  /**
   * Detections by image id, shared by the containers of one run: os-release comes from the
   * image, so a fleet of one image reads it once. Tools and bundles are read per container.
   */
  detections?: Map<string, Promise<Detection>>;
  /** Read the store with the container's own tar where it has one (store-read-exec.ts); off for a dry run, which runs nothing inside. */
  execReads?: boolean;
  /**
   * A read of the store directories made before the survey's own, once the family is known (the
   * program probe's exec with the container's tar, src/patch/steps/survey-step.ts): its
   * StoreRead (none: read them as usual), and the digest of the family's update inputs.
   */
  preRead?: (dirs: readonly string[], family: Family) => Promise<PreRead>;
}

/**
 * Detects the family, probes the tools and reads the trust store: the anchor directory and the
 * bundles' directories, whole (the bundles, the anchors and the listing a rollback compares
 * with, in one request a directory). Reads only, changes nothing.
 */
export async function surveyContainer(
  client: ContainerClient,
  info: Pick<ContainerInfo, 'id' | 'imageId'>,
  options: SurveyOptions = {},
): Promise<Survey> {
  const detection = await detect(client, info, options.detections);
  const { family } = detection;
  const dirs = storeDirs(family.anchorDir, family.bundles);
  // Before the tools are probed: the same exec answers their stats.
  const pre = (await options.preRead?.(dirs, family)) ?? {};
  const [tools, store] = await Promise.all([
    probeTools(client, info.id, family, {
      installAlways: options.install === 'always',
      tlsClients: options.checks !== false,
    }),
    pre.store ?? (options.execReads === true ? readStoreFast(client, info.id, dirs) : readStore(client, info.id, dirs)),
  ]);
  const bundles = await snapshotBundles(client, info.id, family.bundles, store);
  return { detection, tools, bundles, store, ...(pre.inputs === undefined ? {} : { inputs: pre.inputs }) };
}

function detect(
  client: ContainerClient,
  info: Pick<ContainerInfo, 'id' | 'imageId'>,
  cache: Map<string, Promise<Detection>> | undefined,
): Promise<Detection> {
  if (cache === undefined || info.imageId === '') return detectFamily(client, info.id);
  let detection = cache.get(info.imageId);
  if (detection === undefined) {
    detection = detectFamily(client, info.id);
    cache.set(info.imageId, detection);
    // A failed read (the container vanished) must not poison the other containers of the image.
    detection.catch(() => cache.delete(info.imageId));
  }
  return detection;
}
