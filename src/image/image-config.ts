import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../errors.js';
import type { ImageConfig } from '../docker/image-client.js';

/**
 * The one label `image add` adds: the SHA-256 fingerprints (lowercase hex, comma-separated)
 * of every CA trustpatch put into the image, this run's and earlier runs'.
 */
export const CA_LABEL = 'trustpatch.ca-fingerprints';

/**
 * The temporary container carries the same label key with this value: found with
 * `docker ps -a --filter label=trustpatch.ca-fingerprints=temporary`. The same key, because a
 * commit keeps the container's labels unless the new config names them (moby
 * daemon/commit.go, merge()): the new image's own value then replaces it.
 */
export const TEMPORARY_VALUE = 'temporary';

/** The fingerprints an image's label names (empty for none or the temporary marker). */
export function labelFingerprints(config: ImageConfig): string[] {
  const value = labelsOf(config)[CA_LABEL];
  if (value === undefined || value === TEMPORARY_VALUE) return [];
  return value
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => /^[0-9a-f]{64}$/.test(f));
}

/** IMAGE's configuration with only the CA label added (its earlier fingerprints kept). */
export function wantedConfig(config: ImageConfig, fingerprints: readonly string[]): ImageConfig {
  const all = [...new Set([...labelFingerprints(config), ...fingerprints])];
  return { ...config, Labels: { ...labelsOf(config), [CA_LABEL]: all.join(',') } };
}

/**
 * The Config fields whose values differ, an absent field and null being the same (the engine
 * omits empty ones). Empty when the two are the same configuration.
 */
export function configDifferences(want: ImageConfig, got: ImageConfig): string[] {
  const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])].sort();
  return keys.filter((key) => !isDeepStrictEqual(want[key] ?? null, got[key] ?? null));
}

function labelsOf(config: ImageConfig): Record<string, string> {
  return (config.Labels ?? {}) as Record<string, string>;
}

/** A `repo:tag` split in two; the tag is what follows the last `:` after the last `/`. */
export interface ImageName {
  repo: string;
  tag: string;
}

// The grammar of distribution/reference (reference/regexp.go): an optional registry host[:port],
// lowercase path components, then a tag.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
// A first component is a registry host only with a dot, a port or as localhost (reference/normalize.go).
const DOMAIN = '(?:localhost(?::[0-9]+)?|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+)';
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseImageName(name: string): ImageName {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const parts =
    colon > slash ? { repo: name.slice(0, colon), tag: name.slice(colon + 1) } : { repo: name, tag: 'latest' };
  if (!REPOSITORY.test(parts.repo) || !TAG.test(parts.tag))
    throw new UserError(
      `--tag ${JSON.stringify(name)}: give an image name like registry.example/team/app:1.2-ca (lowercase repository; a tag of letters, digits, _ . -; no @digest).`,
    );
  return parts;
}

export const DEFAULT_TAG_SUFFIX = '-trustpatch';

/**
 * The tag `image add` writes without `--tag`: IMAGE's `repo:tag` with `-trustpatch` appended to
 * the tag (`debian:bookworm` -> `debian:bookworm-trustpatch`); an image named by id uses its
 * first tag. Never IMAGE's own tag.
 */
export function defaultTag(reference: string, tags: readonly string[]): ImageName {
  const named = /^(sha256:)?[0-9a-f]{12,64}$/.test(reference) ? tags[0] : reference;
  if (named === undefined)
    throw new UserError(`${reference} has no tag to derive a new one from: give --tag NAME:TAG.`);
  const { repo, tag } = parseImageName(named);
  return { repo, tag: `${tag}${DEFAULT_TAG_SUFFIX}` };
}

export function formatName(name: ImageName): string {
  return `${name.repo}:${name.tag}`;
}
