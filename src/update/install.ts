import { describeProblem, execProblem } from '../check/exec-problem.js';
import type { ContainerClient } from '../docker/container-client.js';
import type { Installer } from '../distro/family.js';
import { tail } from '../errors.js';

/**
 * Runs the installer's commands, non-interactive, all within `budgetMs` (half the container's
 * --timeout, so that a hung install still leaves time to finish the patch without it). A
 * failure (no network, no repository, a hang) is one line in `warnings` and the patch carries
 * on with what can be done; returns whether every command succeeded.
 */
export async function runInstall(
  client: ContainerClient,
  id: string,
  installer: Installer,
  packages: readonly string[],
  budgetMs: number,
  warnings: string[],
): Promise<boolean> {
  const what = `installing ${packages.join(' ')}`;
  const deadline = Date.now() + budgetMs;
  for (const argv of installer.commands) {
    const timeoutMs = Math.max(1000, deadline - Date.now());
    const run = await client.exec(id, argv, { env: [...installer.env], timeoutMs, user: '0' });
    if (run.exitCode === 0 && !run.timedOut) continue;
    const problem = execProblem(run);
    let why: string;
    if (problem !== undefined) why = describeProblem(problem, argv);
    else if (run.timedOut)
      why = `\`${argv.join(' ')}\` timed out after ${Math.round(budgetMs / 1000)}s (it may still be running in the container)`;
    else why = `\`${argv.join(' ')}\` exited with ${run.exitCode}: ${firstComplaint(`${run.stderr}\n${run.stdout}`)}`;
    warnings.push(`${what} failed: ${why}; carrying on without it`);
    return false;
  }
  return true;
}

/**
 * The package manager's first complaint (apt's `E:`, apk's `WARNING: fetching ...`, dnf's
 * `Error:`), which names the cause; the last line usually names only the consequence.
 */
export function firstComplaint(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(E:|ERROR|WARNING|Error|error|Err:|Problem)/.test(line)) ?? tail(output, 1);
}
