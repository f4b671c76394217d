import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { detectFamily, type Detection } from '../distro/detect.js';
import { probeTools } from '../distro/probe.js';
import { snapshotBundles } from './bundles.js';
import type { Survey } from './plan.js';
import type { InstallMode } from './types.js';

export interface SurveyOptions {
  install?: InstallMode;
  /** Look for a TLS client only when a check will run. */
  checks?: boolean;
  /**
   * Detections by image id, shared by the containers of one run: os-release comes from the
   * image, so a fleet of one image reads it once. Tools and bundles are read per container.
   */
  detections?: Map<string, Promise<Detection>>;
}

/** Detects the family, probes the tools and reads the bundles: reads only, changes nothing. */
export async function surveyContainer(client: ContainerClient, info: Pick<ContainerInfo, 'id' | 'imageId'>, options: SurveyOptions = {}): Promise<Survey> {
  const detection = await detect(client, info, options.detections);
  const [tools, bundles] = await Promise.all([
    probeTools(client, info.id, detection.family, { installAlways: options.install === 'always', tlsClients: options.checks !== false }),
    snapshotBundles(client, info.id, detection.family.bundles),
  ]);
  return { detection, tools, bundles };
}

function detect(client: ContainerClient, info: Pick<ContainerInfo, 'id' | 'imageId'>, cache: Map<string, Promise<Detection>> | undefined): Promise<Detection> {
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
