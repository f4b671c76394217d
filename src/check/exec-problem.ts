import type { ExecResult } from '../docker/container-client.js';

/**
 * Why an exec could not run its program at all, as opposed to the program failing:
 * `not-found` (Docker 20.10 answers exit 126/127 with "executable file not found" or "no such
 * file"), `format` (a binary for another CPU without emulation: "exec format error").
 */
export type ExecProblem = 'not-found' | 'format' | undefined;

export function execProblem(result: ExecResult): ExecProblem {
  const output = `${result.stderr}\n${result.stdout}`;
  if (/exec format error/i.test(output)) return 'format';
  if ((result.exitCode === 126 || result.exitCode === 127) && /not found|no such file/i.test(output))
    return 'not-found';
  return undefined;
}

/** One line for a warning or a reason: why the program did not run. */
export function describeProblem(
  problem: Exclude<ExecProblem, undefined>,
  argv: readonly string[],
  platform?: string,
): string {
  if (problem === 'format')
    return `${argv[0]} cannot run on this engine (exec format error${platform ? `; container platform ${platform}` : ''})`;
  return `${argv[0]} could not be started (not found: the program, or its interpreter such as /bin/sh, is missing)`;
}
