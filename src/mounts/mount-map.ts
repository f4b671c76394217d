import { posix } from 'node:path';
import type { Mount } from '../docker/container-client.js';

/** A mount and the paths a patch would write on it (docs/mounted-stores.md). */
export interface StoreMount {
  type: string;
  /** The host path of a bind or a volume's directory on the engine's host; '' for tmpfs. */
  source: string;
  /** A named volume's name. */
  volume?: string;
  destination: string;
  readOnly: boolean;
  /** The paths, inside the container, that land on this mount. */
  paths: string[];
}

/**
 * The mount a path lands on: the one whose destination is the longest prefix of it, as the
 * kernel stacks them (a single-file bind counts when its destination is the path itself).
 * Undefined when the path is in the container's own filesystem.
 */
export function mountFor(mounts: readonly Mount[], path: string): Mount | undefined {
  const normal = posix.normalize(path);
  let best: Mount | undefined;
  for (const mount of mounts) {
    const dest = posix.normalize(mount.destination).replace(/(.)\/$/, '$1');
    const covers = normal === dest || normal.startsWith(dest === '/' ? '/' : `${dest}/`);
    if (covers && (best === undefined || dest.length > posix.normalize(best.destination).length)) best = mount;
  }
  return best;
}

/** The mounts that the given paths land on, each with its paths, in the order first met. */
export function storeMounts(mounts: readonly Mount[], paths: readonly string[]): StoreMount[] {
  const found: StoreMount[] = [];
  for (const path of new Set(paths)) {
    const mount = mountFor(mounts, path);
    if (mount === undefined) continue;
    let entry = found.find((m) => m.destination === mount.destination);
    if (entry === undefined) {
      entry = {
        type: mount.type,
        source: mount.source,
        ...(mount.name ? { volume: mount.name } : {}),
        destination: mount.destination,
        readOnly: !mount.rw,
        paths: [],
      };
      found.push(entry);
    }
    entry.paths.push(path);
  }
  return found;
}

/** `host path /srv/certs`, `volume certs`, `tmpfs`. */
export function mountWhere(mount: Pick<StoreMount, 'type' | 'source' | 'volume'>): string {
  if (mount.type === 'volume') return `volume ${mount.volume ?? mount.source}`;
  if (mount.type === 'bind') return `host path ${mount.source}`;
  if (mount.type === 'tmpfs') return 'tmpfs';
  return `${mount.type} mount ${mount.source}`;
}

/** One line for the report: `/etc/ssl/certs: host directory /srv/certs (bind, read-only)`. */
export function mountLine(mount: StoreMount): string {
  return `${mount.destination}: ${mountWhere(mount)} (${mount.type}, ${mount.readOnly ? 'read-only' : 'writable'})`;
}

/** What makes two mounts the same store: the volume, or the host path of a bind; tmpfs is never shared. */
export function sharedKey(
  mount: Pick<Mount, 'type' | 'source' | 'name'> | Pick<StoreMount, 'type' | 'source' | 'volume'>,
): string | undefined {
  const name = 'volume' in mount ? mount.volume : 'name' in mount ? mount.name : undefined;
  if (mount.type === 'volume') return `volume:${name ?? mount.source}`;
  if (mount.type === 'bind') return `bind:${mount.source}`;
  return undefined;
}

/** A container that mounts this machine's trust store, and which CAs trustpatch added there that the machine trusts. */
export interface HostStoreNote {
  /** The host paths mounted (bind sources), as the engine names them. */
  sources: string[];
  /** CAs `trustpatch host add` recorded on this machine that it trusts now, so the container sees them too. */
  trusted: { fingerprint: string; name: string; subject: string }[];
  /** The same for recorded CAs the machine no longer trusts in full (an anchor or bundle lost them). */
  notTrusted: { fingerprint: string; name: string; subject: string }[];
}
