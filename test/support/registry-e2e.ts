import { execFile } from 'node:child_process';
import { mkdtemp, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { docker, SESSION_ID, testImage } from './containers.js';
import { makeCa, removeCa, type TestCa } from './pki.js';
import { makeServerCertFor } from './registry-pki.js';
import { createNetns, freeLoopbackPort, startRegistry, type Netns, type RunningRegistry } from './registry-server.js';

const run = promisify(execFile);
const ENSURE_REGISTRY = fileURLToPath(new URL('../../../scripts/ensure-registry.sh', import.meta.url));

/** The test engine's own certs.d: it reads it on every registry request, so no restart is needed. */
export const ENGINE_CERTS_D = '/etc/docker/certs.d';
/** The image pushed under the test registry's name. */
export const SOURCE_IMAGE = testImage('busybox');

/** A running registry that requires client certificates, and what the test made for it. */
export interface RegistryTestbed {
  work: string;
  ca: TestCa;
  registry: RunningRegistry;
  /** `<registry>/trustpatch-e2e:<session>`, tagged from SOURCE_IMAGE. */
  image: string;
  /** The engine's certs.d directory for this registry (the test writes it). */
  dir: string;
  /** Removes the directory, the tag, the registry, the namespace and the files, whatever happened. */
  cleanup(): Promise<void>;
}

/**
 * Installs Debian's docker-registry when missing (scripts/ensure-registry.sh, apt-get), then
 * serves it with TLS from a fresh test CA, requiring client certificates signed by that CA:
 * on 198.18.N.2 in a namespace of the test's own (`netns`), or on 127.0.0.1 (`loopback`).
 * Fails loudly rather than skipping when the machine cannot do it.
 */
export async function startTestbed(slug: string, where: 'netns' | 'loopback'): Promise<RegistryTestbed> {
  if (process.getuid?.() !== 0)
    throw new Error(
      'the registry end-to-end tests write /etc/docker/certs.d and create a network namespace: run them as root',
    );
  await run('bash', [ENSURE_REGISTRY], { maxBuffer: 16 * 1024 * 1024 });
  if ((await docker(['image', 'inspect', SOURCE_IMAGE], { allowFailure: true })).code !== 0)
    throw new Error(`${SOURCE_IMAGE} is missing; run \`bash scripts/build-images.sh busybox\``);
  const hadCertsD = await stat(ENGINE_CERTS_D).then(
    () => true,
    () => false,
  );
  const work = await mkdtemp(join(tmpdir(), `trustpatch-${slug}-`));
  const ca = await makeCa(`${slug} CA`);
  let netns: Netns | undefined;
  let registry: RunningRegistry | undefined;
  let dir: string | undefined;
  let image: string | undefined;
  const cleanup = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    if (!hadCertsD) await rmdir(ENGINE_CERTS_D).catch(() => undefined); // only when empty again
    if (image) await docker(['rmi', image], { allowFailure: true });
    await registry?.stop();
    await netns?.remove();
    await removeCa(ca);
    await rm(work, { recursive: true, force: true });
  };
  try {
    netns = where === 'netns' ? await createNetns() : undefined;
    const host = netns?.address ?? '127.0.0.1';
    const server = await makeServerCertFor(ca, `${slug}-server`, [host]);
    const port = netns ? 5443 : await freeLoopbackPort();
    registry = await startRegistry({
      dir: work,
      host,
      port,
      netns: netns?.name,
      tls: { certPath: server.certPath, keyPath: server.keyPath, clientCaPath: ca.certPath },
    });
    dir = join(ENGINE_CERTS_D, registry.address);
    image = `${registry.address}/trustpatch-e2e:${SESSION_ID}`;
    await docker(['tag', SOURCE_IMAGE, image]);
    return { work, ca, registry, image, dir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
