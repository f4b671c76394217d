import type { ContainerClient } from '../docker/container-client.js';
import { detectFamily } from '../distro/detect.js';
import { probeTools } from '../distro/probe.js';
import { snapshotBundles } from './bundles.js';
import type { Survey } from './plan.js';

/** Detects the family, probes the tools and reads the bundles: reads only, changes nothing. */
export async function surveyContainer(client: ContainerClient, id: string): Promise<Survey> {
  const detection = await detectFamily(client, id);
  const [tools, bundles] = await Promise.all([probeTools(client, id, detection.family), snapshotBundles(client, id, detection.family.bundles)]);
  return { detection, tools, bundles };
}
