import { describeProblem, execProblem } from '../check/exec-problem.js';
import type { ContainerInfo } from '../docker/container-client.js';
import { probeUpdate } from '../distro/probe.js';
import { ContainerCommandError } from '../errors.js';
import { ensureRunning } from '../docker/container-state.js';
import { runInstall } from './install.js';
import type { Plan, Survey } from '../plan/plan.js';
import type { Changes } from '../undo/rollback.js';
import type { PatchMethod, StepContext } from '../types.js';
import { runUpdateAndRead, type ReadAfterUpdate } from './update-and-read.js';

/**
 * Steps 3-5 where the family has an update command (or an install may bring it): write the
 * anchor so later updates keep the CA (alpinelinux/docker-alpine#446), install if planned, run
 * the update by absolute path as user 0. Falls back to the archive-only result (the seeded
 * bundle, the anchor kept) when the update command is missing or cannot run; throws when it
 * ran and failed.
 */
export async function runUpdatePath(
  context: StepContext,
  info: ContainerInfo,
  plan: Plan,
  survey: Survey,
  changes: Changes,
  warnings: string[],
  after?: ReadAfterUpdate,
): Promise<PatchMethod> {
  const { client } = context;
  const step = (name: string) => context.onProgress?.({ container: info.name, step: name });
  step('writing certificate');
  if (plan.anchors.length > 0) {
    await ensureRunning(client, info.id);
    changes.anchors.push(...plan.anchors.map((a) => a.path));
    await client.putFiles(info.id, plan.anchors);
  }
  let update = survey.tools.update;
  let installFailed = false;
  if (plan.install !== undefined) {
    step(`installing ${plan.family.packages.join(' ')}`);
    const installed = await runInstall(
      client,
      info.id,
      plan.install,
      plan.family.packages,
      installBudget(context.options.timeoutMs),
      warnings,
    );
    installFailed = !installed;
    if (installed && update === undefined) changes.installed.push(...plan.family.packages);
    update ??= await probeUpdate(client, info.id, plan.family);
  }
  if (update === undefined) {
    if (!installFailed)
      warnings.push(
        `${plan.family.updateCommands[0]?.[0] ?? 'the update command'} is not in the container: patched the bundle through the archive API`,
      );
    return 'archive-only';
  }
  step('updating trust store');
  changes.updateCommand = update;
  const run = await runUpdateAndRead(client, info.id, update, { timeoutMs: context.options.timeoutMs }, after);
  const problem = execProblem(run);
  if (problem !== undefined) {
    changes.updateCommand = undefined;
    warnings.push(`${describeProblem(problem, update, info.platform)}: patched the bundle through the archive API`);
    return 'archive-only';
  }
  if (run.timedOut)
    throw new Error(`\`${update.join(' ')}\` timed out after ${Math.round(context.options.timeoutMs / 1000)}s`);
  if (run.exitCode !== 0) throw new ContainerCommandError(update, run.exitCode, run.stderr || run.stdout);
  return 'update-command';
}

/** The package install gets half of the container's time: a hang still leaves time for the rest. */
export function installBudget(timeoutMs: number): number {
  return Math.max(1000, Math.floor(timeoutMs / 2));
}
