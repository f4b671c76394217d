import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Which engine the integration tier runs against (TRUSTPATCH_TEST_ENGINE):
 * - docker (the default): whatever DOCKER_HOST or the current context names (Debian's 20.10 here);
 * - podman: Podman's Docker-compatible API at TRUSTPATCH_PODMAN_SOCK (scripts/ensure-podman.sh);
 * - docker26, podman5: Docker 26 and Podman 5 from the trixie tree (scripts/ensure-trixie-engines.sh),
 *   each in mount and network namespaces of its own. Their host-network containers see that
 *   namespace's loopback, so servers they must reach start there (`engineNetns`, https-server.ts).
 * The docker CLI the tests use to set up and verify, and every trustpatch they run, both get `engineEnv()`.
 */
export type TestEngineName = 'docker' | 'podman' | 'docker26' | 'podman5';

export const PODMAN_SOCKET = process.env.TRUSTPATCH_PODMAN_SOCK || '/run/podman/podman.sock';
export const DOCKER_SOCKET = '/var/run/docker.sock';

const TRIXIE_DIR = process.env.TRUSTPATCH_TRIXIE_DIR || '/var/cache/trustpatch/trixie';
/** The run directory, socket and pidfile scripts/ensure-trixie-engines.sh gives each engine. */
export const TRIXIE_ENGINES = {
  docker26: {
    socket: `${TRIXIE_DIR}/run/trustpatch-docker26/docker.sock`,
    pidfile: `${TRIXIE_DIR}/run/trustpatch-docker26/docker26.pid`,
  },
  podman5: {
    socket: `${TRIXIE_DIR}/run/trustpatch-podman5/podman.sock`,
    pidfile: `${TRIXIE_DIR}/run/trustpatch-podman5/podman5.pid`,
  },
} as const;

export const TEST_ENGINE: TestEngineName = parseEngine(process.env.TRUSTPATCH_TEST_ENGINE);

export function parseEngine(value: string | undefined): TestEngineName {
  if (value === undefined || value === '') return 'docker';
  if (value === 'docker' || value === 'podman' || value === 'docker26' || value === 'podman5') return value;
  throw new Error(`TRUSTPATCH_TEST_ENGINE=${value}: give docker, podman, docker26 or podman5`);
}

/** Whether the engine's host-network containers can reach Debian's archive (not from the trixie engines' own namespaces). */
export const ENGINE_REACHES_ARCHIVE = TEST_ENGINE === 'docker' || TEST_ENGINE === 'podman';

/** Environment overrides that point the docker CLI and trustpatch at the engine under test. */
export function engineEnv(): NodeJS.ProcessEnv {
  return TEST_ENGINE === 'docker' ? {} : { DOCKER_HOST: `unix://${engineSocket()}` };
}

/** How to get the engine under test running, for failure messages. */
export function ensureCommand(): string {
  if (TEST_ENGINE === 'podman') return 'bash scripts/ensure-podman.sh';
  if (TEST_ENGINE === 'docker') return 'bash scripts/ensure-engine.sh';
  return `bash scripts/ensure-trixie-engines.sh ${TEST_ENGINE}`;
}

/** The unix socket of the engine under test, for test proxies that forward to it. */
export function engineSocket(): string {
  if (TEST_ENGINE === 'podman') return PODMAN_SOCKET;
  if (TEST_ENGINE !== 'docker') return TRIXIE_ENGINES[TEST_ENGINE].socket;
  const host = process.env.DOCKER_HOST ?? '';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : DOCKER_SOCKET;
}

/**
 * The network namespace (a /proc/PID/ns/net path) the engine under test runs its host-network
 * containers in, when that is not the machine's; undefined for the machine's own engines.
 */
export function engineNetns(): string | undefined {
  if (TEST_ENGINE === 'docker' || TEST_ENGINE === 'podman') return undefined;
  const { pidfile } = TRIXIE_ENGINES[TEST_ENGINE];
  const pid = readFileSync(pidfile, 'utf8').trim();
  if (!/^\d+$/.test(pid)) throw new Error(`${pidfile} holds no pid; run \`${ensureCommand()}\``);
  return `/proc/${pid}/ns/net`;
}

/** The real docker CLI with its own config directory (DOCKER_CONFIG), so the machine's contexts are never touched. */
export async function dockerWithConfig(configDir: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: configDir };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  return (await run('docker', args, { env })).stdout;
}
