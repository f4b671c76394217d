import type { ContainerClient } from '../docker/container-client.js';
import { readContainerFile } from '../docker/files.js';
import type { Family } from './family.js';
import { families } from './families.js';

export interface OsRelease {
  id: string | undefined;
  idLike: string[];
  prettyName: string | undefined;
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
