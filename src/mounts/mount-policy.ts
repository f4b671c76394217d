import type { ContainerClient } from '../docker/container-client.js';
import { mountLine, mountWhere, sharedKey, type StoreMount } from './mount-map.js';

/** A planned write onto a mount that is not allowed: nothing has been written yet. */
export class MountRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MountRefusedError';
  }
}

/**
 * Decides whether a patch may write onto the mounts its paths land on (docs/mounted-stores.md);
 * throws MountRefusedError, before anything is written, when it may not:
 * - read-only: nothing can be written there; the CA belongs where the files come from;
 * - tmpfs: the engine's archive API reads and writes beneath a tmpfs, not in it
 *   (https://github.com/moby/moby/issues/22020), so a patch could neither write nor verify it;
 * - a writable bind or volume: a write changes the host or every container sharing it, so only
 *   with `--through-mounts`.
 */
export async function decideMounts(
  client: ContainerClient,
  selfId: string,
  mounts: readonly StoreMount[],
  throughMounts: boolean,
  files: ReadonlySet<string> = new Set(),
): Promise<void> {
  const readOnly = mounts.find((m) => m.readOnly);
  if (readOnly !== undefined) {
    const from =
      readOnly.type === 'bind'
        ? `on the host, in ${readOnly.source}`
        : readOnly.type === 'volume'
          ? `in the volume ${readOnly.volume ?? readOnly.source}`
          : `where ${readOnly.destination} comes from`;
    throw new MountRefusedError(
      `the trust store is on a read-only mount (${mountLine(readOnly)}): trust the CA ${from}, or recreate the container with a writable trust store`,
    );
  }
  const tmpfs = mounts.find((m) => m.type === 'tmpfs');
  if (tmpfs !== undefined)
    throw new MountRefusedError(
      `the trust store is on a tmpfs (${mountLine(tmpfs)}), which the engine's archive API cannot write into (moby/moby#22020): patch it from inside the container, or recreate it without the tmpfs over ${tmpfs.destination}`,
    );
  const shared = mounts.filter((m) => sharedKey(m) !== undefined);
  // Update commands replace a bundle by renaming a new file over it, which a mount point refuses (EBUSY).
  const file = shared.find((m) => files.has(m.destination));
  if (file !== undefined && throughMounts)
    throw new MountRefusedError(
      `${file.destination} is a single-file bind (${mountLine(file)}): a file that is a mount point cannot be replaced, as the update writes it ("Device or resource busy"): add the CA to ${file.source} itself, or bind its directory instead`,
    );
  if (shared.length === 0 || throughMounts) return;
  const first = shared[0]!;
  const others = await sharers(client, selfId, first);
  const alsoIn = others.length > 0 ? `, also mounted by ${others.join(', ')}` : '';
  throw new MountRefusedError(
    `the trust store is on a mount (${mountLine(first)}${alsoIn}): a write there changes ${mountWhere(first)} outside this container: pass --through-mounts to patch it on purpose`,
  );
}

/** Other containers (those the engine lists, stopped ones too) that mount the same host path or volume. */
export async function sharers(client: ContainerClient, selfId: string, mount: StoreMount): Promise<string[]> {
  const key = sharedKey(mount);
  if (key === undefined) return [];
  const all = await client.list({}, true).catch(() => []);
  return all.filter((c) => c.id !== selfId && (c.mounts ?? []).some((m) => sharedKey(m) === key)).map((c) => c.name);
}
