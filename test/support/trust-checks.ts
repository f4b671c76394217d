import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJson } from './cli.js';
import { fileBytes } from './trust-store.js';
import { openssl } from './pki.js';
import { writeFile } from 'node:fs/promises';

/**
 * A file's text copied out of a container with `docker cp -L` (follows links; needs no shell
 * in the container), or undefined when it does not exist. Independent of trustpatch's code.
 */
export async function copyOut(id: string, path: string): Promise<string | undefined> {
  return (await fileBytes(id, path, undefined, true))?.toString('latin1');
}

/** SHA-256 fingerprints (lowercase hex) of every certificate in a PEM bundle, computed by openssl. */
export async function bundleFingerprints(bundle: string): Promise<string[]> {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const dir = await mkdtemp(join(tmpdir(), 'trustpatch-fp-'));
  try {
    const fingerprints: string[] = [];
    for (const [index, block] of blocks.entries()) {
      const path = join(dir, `${index}.pem`);
      await writeFile(path, `${block}\n`);
      const out = await openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']);
      fingerprints.push(out.trim().split('=')[1]!.replace(/:/g, '').toLowerCase());
    }
    return fingerprints;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many times `fingerprint` occurs in a list. */
export function occurrences(list: readonly string[], fingerprint: string): number {
  return list.filter((item) => item === fingerprint).length;
}

/** One container as `trustpatch add --json` reports it (the fields the tests read). */
export interface JsonCheck {
  ok: boolean;
  tool: string | null;
  detail: string;
  results: { url: string; ok: boolean; tool: string | null; verifiedBy: 'tls' | 'bundle' | null; detail: string }[];
}
export interface JsonContainer {
  id: string;
  name: string;
  status: string;
  family: string | null;
  method: string | null;
  check: { before: JsonCheck | null; after: JsonCheck | null };
  error: string | null;
  rollback: string | null;
  warnings: string[];
  plan: { family: string; files: string[]; commands: string[][]; check: string | null } | null;
  replicatedFrom: string | null;
}

/** Runs `trustpatch add ... --json` and returns its exit status and containers, in order. */
export async function addJson(args: string[]): Promise<{ code: number; containers: JsonContainer[]; output: string }> {
  const { code, doc, output } = await runJson<{ containers?: JsonContainer[] }>(['add', ...args]);
  return { code, containers: doc.containers ?? [], output };
}

/** `[ok, tool, verifiedBy]` of each URL's check, for compact assertions. */
export function checkRows(check: JsonCheck | null): [boolean, string | null, string | null][] {
  return (check?.results ?? []).map((r) => [r.ok, r.tool, r.verifiedBy]);
}
