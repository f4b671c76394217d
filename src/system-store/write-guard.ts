import { posix } from 'node:path';
import type { ContainerClient } from '../docker/container-client.js';
import { resolvePath, type ResolvedPath } from '../docker/links.js';
import type { BundleSnapshot } from './bundles.js';
import { inTrustDir, TRUST_DIRS } from './trust-dirs.js';

/** A planned write would land outside the trust store directories. */
export class WriteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

/** What a plan (src/plan/plan.ts) writes: bundles appended to, at their real paths, and anchor files. */
export interface PlannedWrites {
  seeds: readonly { realPath: string }[];
  anchors: readonly { path: string }[];
}

/**
 * Where a file written to `path` through the archive API really lands. The engine extracts
 * inside the container's root, so links in parent directories are followed, while a link at
 * the path itself is replaced by the file (moby's pkg/archive removes what is in the way).
 * Distributions link trust store directories to each other (Debian's /usr/lib/ssl/certs ->
 * /etc/ssl/certs, Fedora's /etc/ssl/certs -> /etc/pki/tls/certs): those stay allowed.
 */
export async function landingPath(client: ContainerClient, id: string, path: string): Promise<ResolvedPath> {
  const dir = await resolveAll(client, id, posix.dirname(path));
  return { path: posix.join(dir.path, posix.basename(path)), link: dir.link };
}

/** Follows every link in `path`, the last part included, as the kernel would inside the container. */
function resolveAll(client: ContainerClient, id: string, path: string): Promise<ResolvedPath> {
  return resolvePath(
    path,
    async (next) => {
      const stat = await client.stat(id, next);
      // Missing from here on: the engine creates the rest as plain directories.
      if (stat === undefined) return 'missing';
      if (stat.type !== 'symlink') return 'other';
      // Docker answers with the fully resolved target; other engines may give the link's text.
      return { link: stat.linkTarget ?? '' };
    },
    {
      followLast: true,
      tooMany: () =>
        new WriteRefusedError(
          `${path}: too many levels of symbolic links; refusing to write there (nothing was changed)`,
        ),
    },
  );
}

/**
 * Checks every file the plan would write, before anything is written. Throws
 * WriteRefusedError when one would land outside the trust store directories (TRUST_DIRS).
 * The writes then go to the same paths, through the same links the check followed.
 */
export async function guardPlan(
  client: ContainerClient,
  id: string,
  plan: PlannedWrites,
  bundles: readonly BundleSnapshot[],
): Promise<void> {
  const refuse = (what: string) => {
    throw new WriteRefusedError(
      `${what}, outside the trust store directories (${TRUST_DIRS.join(', ')}); refusing to write there (nothing was changed): fix the link, then run again`,
    );
  };
  const check = async (path: string, what: string) => {
    const landing = await landingPath(client, id, path);
    if (!inTrustDir(landing.path))
      refuse(`${landing.link === undefined ? '' : `${landing.link}: `}${what} would be written at ${landing.path}`);
  };
  for (const seed of plan.seeds) {
    // The bundle may itself be a link (followed when it was read): name the path clients use.
    const named = bundles.find((bundle) => bundle.realPath === seed.realPath && bundle.path !== seed.realPath);
    if (named !== undefined && !inTrustDir(seed.realPath))
      refuse(`the bundle ${named.path} is a link to ${seed.realPath}`);
    await check(seed.realPath, `the bundle ${seed.realPath}`);
  }
  for (const anchor of plan.anchors) await check(anchor.path, posix.basename(anchor.path));
}
