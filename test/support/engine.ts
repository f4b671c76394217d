import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Which engine the integration tier runs against: TRUSTPATCH_TEST_ENGINE=docker (the default:
 * whatever DOCKER_HOST or the current context names) or podman (Podman's Docker-compatible API
 * at TRUSTPATCH_PODMAN_SOCK, started by scripts/ensure-podman.sh). The docker CLI the tests use
 * to set up and verify, and every trustpatch they run, both get `engineEnv()`.
 */
export type TestEngineName = 'docker' | 'podman';

export const PODMAN_SOCKET = process.env.TRUSTPATCH_PODMAN_SOCK || '/run/podman/podman.sock';
export const DOCKER_SOCKET = '/var/run/docker.sock';

export const TEST_ENGINE: TestEngineName = parseEngine(process.env.TRUSTPATCH_TEST_ENGINE);

function parseEngine(value: string | undefined): TestEngineName {
  if (value === undefined || value === '' || value === 'docker') return 'docker';
  if (value === 'podman') return 'podman';
  throw new Error(`TRUSTPATCH_TEST_ENGINE=${value}: give docker or podman`);
}

/** Environment overrides that point the docker CLI and trustpatch at the engine under test. */
export function engineEnv(): NodeJS.ProcessEnv {
  return TEST_ENGINE === 'podman' ? { DOCKER_HOST: `unix://${PODMAN_SOCKET}` } : {};
}

/** How to get the engine under test running, for failure messages. */
export function ensureCommand(): string {
  return TEST_ENGINE === 'podman' ? 'bash scripts/ensure-podman.sh' : 'bash scripts/ensure-engine.sh';
}

/** The unix socket of the engine under test, for test proxies that forward to it. */
export function engineSocket(): string {
  if (TEST_ENGINE === 'podman') return PODMAN_SOCKET;
  const host = process.env.DOCKER_HOST ?? '';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : DOCKER_SOCKET;
}

/** The real docker CLI with its own config directory (DOCKER_CONFIG), so the machine's contexts are never touched. */
export async function dockerWithConfig(configDir: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: configDir };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  return (await run('docker', args, { env })).stdout;
}
