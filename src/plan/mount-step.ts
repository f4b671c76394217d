import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { storeMounts, type StoreMount } from '../mounts/mount-map.js';
import { decideMounts } from '../mounts/mount-policy.js';
import { writtenPaths } from './written-paths.js';
import type { AppSurvey } from '../app-stores/app-stores.js';
import type { Plan, Survey } from './plan.js';

export interface MountStepInput {
  plan: Plan;
  survey: Survey;
  apps: AppSurvey;
  /** The system store already holds every certificate: only application stores may be written. */
  systemTrusted: boolean;
  /** Every store holds every certificate: nothing will be written. */
  trusted: boolean;
  throughMounts: boolean;
}

/**
 * Where the writes land: the container's own filesystem or its mounts (docs/mounted-stores.md).
 * Sets `draft.mounts` to the mounts that touch the trust store (those that will be written, when
 * something will be; the report names them, a refusal too), returns them, and throws
 * MountRefusedError, before anything is written, when one may not be written.
 */
export async function mountStep(
  client: ContainerClient,
  info: ContainerInfo,
  input: MountStepInput,
  draft: { mounts?: StoreMount[] },
): Promise<StoreMount[]> {
  const { plan, survey, apps } = input;
  if (input.trusted) return (draft.mounts = storeMounts(info.mounts ?? [], writtenPaths(plan, survey, apps)));
  const writing = storeMounts(info.mounts ?? [], writtenPaths(input.systemTrusted ? undefined : plan, survey, apps));
  draft.mounts = writing;
  await decideMounts(
    client,
    info.id,
    writing,
    input.throughMounts,
    new Set(survey.bundles.flatMap((b) => [b.path, b.realPath])),
  );
  return writing;
}
