import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { engineEnv } from './engine.js';

const run = promisify(execFile);

/** Every test container carries this label; the global teardown removes whatever still has it. */
export const SESSION_LABEL = 'trustpatch.test-session';
export const SESSION_ID =
  process.env.TRUSTPATCH_TEST_SESSION ?? `s${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
process.env.TRUSTPATCH_TEST_SESSION = SESSION_ID;

/** Tag of a test image built by scripts/build-images.sh. */
export function testImage(name: string): string {
  return `trustpatch-test/${name}:1`;
}

export interface RunOptions {
  name?: string;
  user?: string;
  readOnly?: boolean;
  labels?: Record<string, string>;
  env?: string[];
  /** Host networking, so the container reaches servers the test starts on 127.0.0.1. */
  hostNetwork?: boolean;
  command?: string[];
  /** Another engine than the one under test (e.g. Docker during the Podman run). */
  host?: string;
  /** `--mount` values, e.g. `type=bind,src=/tmp/x,dst=/etc/ssl/certs,readonly`. */
  mounts?: string[];
}

/** The docker CLI: tests check what trustpatch did through a channel independent of its code. */
export async function docker(
  args: string[],
  options: { allowFailure?: boolean; host?: string } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const env = { ...process.env, ...engineEnv(), ...(options.host ? { DOCKER_HOST: options.host } : {}) };
    const { stdout, stderr } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024, env });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    if (!options.allowFailure)
      throw new Error(`docker ${args.join(' ')} failed (${failure.code}): ${failure.stderr ?? ''}`);
    return {
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
      code: typeof failure.code === 'number' ? failure.code : 1,
    };
  }
}

/** Starts a labelled test container and returns its id. */
export async function startContainer(image: string, options: RunOptions = {}): Promise<string> {
  // --pull never: test images are built locally; a missing one must fail, not reach a registry.
  const args = ['run', '-d', '--pull', 'never', '--label', `${SESSION_LABEL}=${SESSION_ID}`];
  if (options.name) args.push('--name', options.name);
  if (options.user) args.push('--user', options.user);
  if (options.readOnly) args.push('--read-only');
  if (options.hostNetwork !== false) args.push('--network', 'host');
  for (const [key, value] of Object.entries(options.labels ?? {})) args.push('--label', `${key}=${value}`);
  for (const entry of options.env ?? []) args.push('--env', entry);
  for (const mount of options.mounts ?? []) args.push('--mount', mount);
  args.push(image, ...(options.command ?? ['sleep', '2147483647']));
  return (await docker(args, { host: options.host })).stdout.trim();
}

/** `docker exec` as root: the exit code and output, never throwing for a non-zero exit. */
export async function execIn(
  id: string,
  argv: string[],
  user = '0',
): Promise<{ stdout: string; stderr: string; code: number }> {
  const run = () => docker(['exec', '--user', user, id, ...argv], { allowFailure: true });
  const first = await run();
  // runc's init died before the command ran (seen on Docker 26 under load; "more prominent
  // when a lot of containers are created in parallel", concourse/concourse#6180): run it again, once.
  return first.code === 126 && RUNC_INIT_RESET.test(first.stderr) ? run() : first;
}

const RUNC_INIT_RESET = /OCI runtime exec failed: .*read init-p: connection reset by peer/;

/** Force-removes containers, a few per call: one `docker rm` of hundreds of ids was seen to hang dockerd 20.10. */
export async function removeContainers(ids: string[], host?: string): Promise<void> {
  for (let start = 0; start < ids.length; start += 10) {
    await docker(['rm', '-f', '-v', ...ids.slice(start, start + 10)], { allowFailure: true, host });
  }
}

export async function removeSessionContainers(host?: string): Promise<number> {
  const { stdout } = await docker(['ps', '-aq', '--filter', `label=${SESSION_LABEL}=${SESSION_ID}`], {
    allowFailure: true,
    host,
  });
  const ids = stdout.split('\n').filter(Boolean);
  await removeContainers(ids, host);
  return ids.length;
}
