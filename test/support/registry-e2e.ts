import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docker, testImage } from './containers.js';

const run = promisify(execFile);
const ENSURE_REGISTRY = fileURLToPath(new URL('../../../scripts/ensure-registry.sh', import.meta.url));

/** The test engine's own certs.d: it reads it on every registry request, so no restart is needed. */
export const ENGINE_CERTS_D = '/etc/docker/certs.d';
/** The image pushed under the test registry's name. */
export const SOURCE_IMAGE = testImage('busybox');

/**
 * Installs Debian's docker-registry when missing (scripts/ensure-registry.sh, apt-get) and
 * checks what the registry tests need, failing loudly rather than skipping.
 */
export async function prepareRegistryTest(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the registry end-to-end tests write /etc/docker/certs.d and create a network namespace: run them as root');
  await run('bash', [ENSURE_REGISTRY], { maxBuffer: 16 * 1024 * 1024 });
  const image = await docker(['image', 'inspect', SOURCE_IMAGE], { allowFailure: true });
  if (image.code !== 0) throw new Error(`${SOURCE_IMAGE} is missing; run \`bash scripts/build-images.sh busybox\``);
}
