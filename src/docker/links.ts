import { posix } from 'node:path';

/**
 * Following symbolic links in a container's filesystem (or in a root tree on this machine, seen
 * as a container sees it), and how far. Two walks, because two questions are asked:
 *
 * - followLinks: where does the link at this one path lead? Whoever answers for a path (the
 *   engine's archive endpoint, or a directory already read) has followed the links in its
 *   parent directories already; only the entry at the path itself can be a link.
 * - resolvePath: where does this path land, part by part? Asked where nothing follows links
 *   for us: before a write (the engine extracts under the container's root and follows links
 *   in parent directories) and in a root tree on this machine.
 */

/**
 * Links followed to reach one file: readContainerFile (src/docker/files.ts) and its stand-in
 * for a directory already read, fileIn (src/system-store/store-listing.ts), so both give up at
 * the same place. Each hop of the first costs an archive request; distributions use one or two
 * (Alpine's /etc/ssl/cert.pem -> certs/ca-certificates.crt).
 */
export const FILE_LINK_HOPS = 8;

/**
 * Links followed resolving a whole path, as the kernel does inside the container: Linux's own
 * limit (MAXSYMLINKS, include/linux/namei.h in torvalds/linux), so a write is refused, or a
 * host path given up on, exactly where a loop of links would fail in the kernel.
 */
export const PATH_LINK_HOPS = 40;

/**
 * Links followed from an OpenSSL hash link (`1a2b3c4d.0`) looking for an anchor: the hash link
 * to `NAME.pem`, that to the anchor, and one more (src/system-store/links.ts, hashLinked).
 */
export const HASH_LINK_HOPS = 3;

/** What is at a path on the walk along links: the walk's answer, or a link (its text) to go on to. */
export type LinkStep<T> = { found: T } | { link: string };

/**
 * Follows the link at `path` to the link's target, and on, at most `hops` links (then the walk
 * ends with `tooMany`). A relative link is taken from the link's directory.
 */
export function followLinks<T>(path: string, at: (path: string) => LinkStep<T>, hops: number, tooMany: T): T {
  let current = path;
  for (let hop = 0; hop <= hops; hop += 1) {
    const step = at(current);
    if ('found' in step) return step.found;
    current = posix.resolve(posix.dirname(current), step.link);
  }
  return tooMany;
}

/** followLinks where looking at a path is a request (to the engine). */
export async function followLinksAsync<T>(
  path: string,
  at: (path: string) => Promise<LinkStep<T>>,
  hops: number,
  tooMany: T,
): Promise<T> {
  let current = path;
  for (let hop = 0; hop <= hops; hop += 1) {
    const step = await at(current);
    if ('found' in step) return step.found;
    current = posix.resolve(posix.dirname(current), step.link);
  }
  return tooMany;
}

/**
 * What is at one part of a path being resolved: nothing (the rest is taken as plain directories,
 * as the engine creates them), something that is not a link, or a link with its text.
 */
export type PathPart = 'missing' | 'other' | { link: string };

export interface ResolvePathOptions {
  /** False: a link at the last part is left alone (the archive endpoint returns it, and a write replaces it). */
  followLast: boolean;
  /** The error thrown when more than PATH_LINK_HOPS links are met. */
  tooMany: () => Error;
}

/** A path with every link on the way followed, and the first link met (for messages). */
export interface ResolvedPath {
  path: string;
  link: string | undefined;
}

/**
 * Resolves `path` (absolute, inside the container or tree) part by part, following each link
 * from the container's `/`; `..` never climbs above `/`. Throws `tooMany()` after
 * PATH_LINK_HOPS links.
 */
export async function resolvePath(
  path: string,
  at: (path: string) => Promise<PathPart>,
  options: ResolvePathOptions,
): Promise<ResolvedPath> {
  let parts = path.split('/').filter((part) => part !== '' && part !== '.');
  let resolved = '/';
  let link: string | undefined;
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const next = posix.join(resolved, part);
    if (parts.length === 0 && !options.followLast) return { path: next, link };
    const found = await at(next);
    if (found === 'missing') return { path: posix.join(next, ...parts), link };
    if (found === 'other') {
      resolved = next;
      continue;
    }
    hops += 1;
    if (hops > PATH_LINK_HOPS) throw options.tooMany();
    const target = posix.resolve(posix.dirname(next), found.link);
    link ??= `${next} is a link to ${target}`;
    // From `/` again: the target's own parts may be links too.
    parts = [...target.split('/').filter(Boolean), ...parts];
    resolved = '/';
  }
  return { path: resolved, link };
}
