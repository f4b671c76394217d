import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { docker, testImage } from './containers.js';
import { engineEnv } from './engine.js';
import type { ServerCert } from './pki.js';

const run = promisify(execFile);

/** The label key image add gives its temporary containers (value `temporary`) and NEW (the fingerprints). */
export const CA_LABEL = 'trustpatch.ca-fingerprints';

/** An HTTPS server on both 127.0.0.1 and ::1 (one port), reached as https://localhost:PORT/. */
export async function startDualStackServer(cert: ServerCert): Promise<{ url: string; close(): Promise<void> }> {
  const handler = (_request: unknown, response: { writeHead(code: number): { end(text: string): void } }) =>
    response.writeHead(200).end('trusted\n');
  const first: Server = createServer({ cert: cert.cert, key: cert.key }, handler as never);
  await new Promise<void>((resolve, reject) => first.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = first.address() as AddressInfo;
  const second: Server = createServer({ cert: cert.cert, key: cert.key }, handler as never);
  await new Promise<void>((resolve, reject) => second.once('error', reject).listen(port, '::1', resolve));
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `https://localhost:${port}/`,
    close: async () => void (await Promise.all([close(first), close(second)])),
  };
}

/** An image's Config and id as the engine's inspect shows them. */
export async function imageConfig(name: string): Promise<{ id: string; config: Record<string, unknown> }> {
  const { stdout } = await docker(['image', 'inspect', '--format', '{{json .Id}} {{json .Config}}', name]);
  const space = stdout.indexOf(' ');
  return {
    id: JSON.parse(stdout.slice(0, space)) as string,
    config: JSON.parse(stdout.slice(space + 1)) as Record<string, unknown>,
  };
}

export async function imageExists(name: string): Promise<boolean> {
  return (await docker(['image', 'inspect', name], { allowFailure: true })).code === 0;
}

/** Containers image add left behind (its label marks them `temporary`). */
export async function temporaryContainers(): Promise<string[]> {
  const { stdout } = await docker(['ps', '-aq', '--filter', `label=${CA_LABEL}=temporary`]);
  return stdout.split('\n').filter(Boolean);
}

/** Removes images this test created, by name; an image that is not there is fine. */
export async function removeImages(names: readonly string[]): Promise<void> {
  for (const name of names) await docker(['image', 'rm', name], { allowFailure: true });
}

/**
 * A non-root image with an entrypoint, a cmd, a healthcheck, env, workdir, an exposed port, a
 * volume and a stop signal, built FROM the local debian-curl with the classic builder and no
 * pull. Its default command runs curl on $CHECK_URL, so a run of it says whether it trusts.
 */
export const NONROOT_IMAGE = 'trustpatch-test/i18-nonroot-entrypoint:1';

export async function buildNonrootImage(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-nonroot-'));
  try {
    await writeFile(
      join(dir, 'Dockerfile'),
      [
        `FROM ${testImage('debian-curl')}`,
        'ENV APP_MODE=test CHECK_URL=https://127.0.0.1:9/',
        'WORKDIR /home/app',
        'EXPOSE 8443/tcp',
        'VOLUME ["/data"]',
        'STOPSIGNAL SIGINT',
        'HEALTHCHECK --interval=30s --timeout=5s --retries=2 CMD ["test", "-r", "/etc/ssl/certs/ca-certificates.crt"]',
        `LABEL org.trustpatch.test-image=${NONROOT_IMAGE}`,
        'USER 65534:65534',
        'ENTRYPOINT ["/bin/sh", "-c", "exec curl -sS -o /dev/null --max-time 10 \\"$CHECK_URL\\"", "entrypoint"]',
        'CMD ["an-argument"]',
        '',
      ].join('\n'),
    );
    // The classic builder, as on Docker 20.10 without buildx; Podman's compat API builds it too.
    await run('docker', ['build', '--pull=false', '-q', '-t', NONROOT_IMAGE, dir], {
      env: { ...process.env, ...engineEnv(), DOCKER_BUILDKIT: '0' },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
