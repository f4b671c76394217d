import { posix } from 'node:path';
import type { Plan, Survey } from './plan.js';
import { MANIFEST_PATH } from '../record/manifest.js';
import { writableCertifi, writableJava, type AppSurvey } from '../app-stores/app-stores.js';

/**
 * Every path a patch may write in a container: the anchor directory, each bundle at the path
 * clients use and at its real path after links, the directories the update command rewrites
 * (the bundles' own: hashed links and per-certificate files), the application stores, and the
 * record. Each is then looked up among the container's mounts (mount-map.ts).
 */
export function writtenPaths(plan: Plan | undefined, survey: Survey, apps: AppSurvey): string[] {
  const paths: string[] = [];
  if (plan !== undefined) {
    const bundles = survey.bundles.filter((b) => b.content !== undefined).flatMap((b) => [b.path, b.realPath]);
    const seeds = plan.seeds.map((s) => s.realPath);
    if (plan.family.anchorDir !== undefined) paths.push(plan.family.anchorDir, ...plan.anchors.map((a) => a.path));
    paths.push(...bundles, ...seeds);
    if (plan.update !== undefined) paths.push(...[...bundles, ...seeds].map((path) => posix.dirname(path)));
  }
  paths.push(
    ...writableCertifi(apps).map((s) => s.realPath),
    ...writableJava(apps).map((s) => s.realPath),
    MANIFEST_PATH,
  );
  return [...new Set(paths)];
}
