import type { ContainerClient } from '../docker/container-client.js';
import { pathExists, readContainerFile } from '../docker/files.js';
import type { Family } from './family.js';
import { families, generic } from './families.js';

export interface OsRelease {
  id: string | undefined;
  idLike: string[];
  prettyName: string | undefined;
}

/** The family a container belongs to, and what said so (for the report and dry-run). */
export interface Detection {
  family: Family;
  release: OsRelease | undefined;
  /** `os-release ID=alpine`, `os-release ID_LIKE=rhel`, `/etc/alpine-release`, `no os-release`. */
  evidence: string;
}

/** Parses os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return {
    id: values.get('ID')?.toLowerCase(),
    idLike: (values.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: values.get('PRETTY_NAME'),
  };
}

/** The family for an os-release: ID first, then each ID_LIKE in order. */
export function familyFor(release: OsRelease, known: readonly Family[] = families): Family | undefined {
  for (const id of [release.id, ...release.idLike]) {
    const family = known.find((candidate) => id !== undefined && candidate.osIds.includes(id));
    if (family) return family;
  }
  return undefined;
}

/**
 * Reads /etc/os-release, then /usr/lib/os-release, through the archive API (no shell needed).
 * Never guesses from which directories exist (smallstep/certificates#2320).
 */
export async function readOsRelease(client: ContainerClient, id: string): Promise<OsRelease | undefined> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const file = await readContainerFile(client, id, path);
    if (file) return parseOsRelease(file.content.toString('utf8'));
  }
  return undefined;
}

/**
 * os-release ID, then ID_LIKE, then the families' marker files (/etc/debian_version, ...),
 * never which directories exist (/etc/pki/ca-trust exists on some Ubuntu systems:
 * smallstep/certificates#2320, uyuni#2828). Anything else gets the generic family.
 */
export async function detectFamily(
  client: ContainerClient,
  id: string,
  known: readonly Family[] = families,
): Promise<Detection> {
  const release = await readOsRelease(client, id);
  if (release) {
    const byId = release.id === undefined ? undefined : known.find((f) => f.osIds.includes(release.id!));
    if (byId) return { family: byId, release, evidence: `os-release ID=${release.id}` };
    const byLike = familyFor({ ...release, id: undefined }, known);
    if (byLike) return { family: byLike, release, evidence: `os-release ID_LIKE=${release.idLike.join(' ')}` };
  }
  for (const family of known) {
    for (const marker of family.markers) {
      if (await pathExists(client, id, marker)) return { family, release, evidence: marker };
    }
  }
  const evidence = release ? `os-release ID=${release.id ?? '?'} (not a known family)` : 'no os-release';
  return { family: generic, release, evidence };
}
