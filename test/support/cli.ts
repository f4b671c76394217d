import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { engineEnv } from './engine.js';

export const BIN = fileURLToPath(new URL('../../../bin/trustpatch', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** The environment for a run: never inherit a default check URL that could leave the machine. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...engineEnv(), ...extra };
  if (extra.TRUSTPATCH_CHECK_URL === undefined) delete env.TRUSTPATCH_CHECK_URL;
  return env;
}

/** Runs bin/trustpatch as a user would, and returns what it printed and its exit status. */
export function trustpatch(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      BIN,
      args,
      { env: cleanEnv(options.env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : -1
          : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Starts bin/trustpatch without waiting: for tests that act while it runs. */
export function startTrustpatch(
  args: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): {
  done: Promise<CliResult>;
  pid: number | undefined;
  signal(name: NodeJS.Signals): void;
  output(): { stdout: string; stderr: string };
} {
  const child = spawn(BIN, args, { env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 })),
  );
  return { done, pid: child.pid, signal: (name) => child.kill(name), output: () => ({ stdout, stderr }) };
}

/** Polls `probe` until it is true, for up to `ms`; throws with `what` otherwise. */
export async function waitFor(what: string, probe: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what} after ${ms} ms`);
}

/** Runs `trustpatch <command> ... --json` and returns the exit status, the document and everything printed. */
export async function runJson<T = Record<string, unknown>>(
  args: string[],
): Promise<{ code: number; doc: T; output: string }> {
  const result = await trustpatch([...args, '--json']);
  const output = `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
  let doc = {} as T;
  try {
    doc = JSON.parse(result.stdout) as T;
  } catch {
    // left empty: the assertions on it fail and print `output`
  }
  return { code: result.code, doc, output };
}
