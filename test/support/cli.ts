import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const BIN = fileURLToPath(new URL('../../../bin/trustpatch', import.meta.url));

/** Runs bin/trustpatch as a user would, and returns what it printed and its exit status. */
export async function trustpatch(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const child = run(BIN, args, { env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
    if (options.input !== undefined) {
      child.child.stdin?.end(options.input);
    }
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: typeof failure.code === 'number' ? failure.code : -1 };
  }
}
