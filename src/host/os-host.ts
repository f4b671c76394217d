import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Certificate } from '../cert/certificate.js';
import { ContainerCommandError, commandFailure } from '../errors.js';
import type { CertificateToInstall } from '../types.js';
import { matchEntries, type RemoveTarget } from '../undo/target.js';
import type { OsStore } from './os-stores.js';

export type CommandRunner = (argv: readonly string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** What the macOS / Windows steps need from the machine: injected, so unit tests run them anywhere. */
export interface OsHostDeps {
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  readRecord(path: string): Promise<string | undefined>;
  writeRecord(path: string, text: string): Promise<void>;
}

/** One certificate in trustpatch's record of the OS store (anchor is always null: no anchor files there). */
export interface OsRecordEntry {
  fingerprint: string;
  sha1: string;
  subject: string;
  name: string;
  anchor: null;
  addedAt: string;
}

export interface OsOutcome {
  fingerprint: string;
  subject: string;
  status: 'added' | 'already-trusted' | 'removed' | 'not-present' | 'left' | 'failed' | 'recorded';
  detail?: string;
}

export function sha1Of(certificate: Pick<Certificate, 'der'>): string {
  return createHash('sha1').update(certificate.der).digest('hex').toUpperCase();
}

/** Adds each certificate that the store lacks, then lists the store again: only a certificate listed afterwards counts as added. */
export async function osHostAdd(
  store: OsStore,
  certificates: readonly CertificateToInstall[],
  deps: OsHostDeps = defaultDeps(),
): Promise<OsOutcome[]> {
  const listed = await listing(store, deps);
  const record = await readRecord(store, deps);
  const outcomes: OsOutcome[] = [];
  for (const { certificate, name } of certificates) {
    const sha1 = sha1Of(certificate);
    const base = { fingerprint: certificate.fingerprint, subject: certificate.subject };
    if (listed.includes(sha1)) {
      outcomes.push({ ...base, status: 'already-trusted' });
      continue;
    }
    const dir = await mkdtemp(join(tmpdir(), 'trustpatch-host-'));
    try {
      const file = join(dir, `${name}.crt`);
      await writeFile(file, certificate.pem);
      const run = await deps.run(store.addArgv(file));
      if (run.exitCode !== 0) {
        outcomes.push({
          ...base,
          status: 'failed',
          detail: `${commandFailure(store.addArgv(file), run.exitCode, run.stderr || run.stdout)} (${store.privileges})`,
        });
        continue;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (!(await listing(store, deps)).includes(sha1)) {
      outcomes.push({
        ...base,
        status: 'failed',
        detail: `the command succeeded but \`${store.listArgv().join(' ')}\` does not list SHA-1 ${sha1}`,
      });
      continue;
    }
    record.push({
      fingerprint: certificate.fingerprint,
      sha1,
      subject: certificate.subject,
      name,
      anchor: null,
      addedAt: new Date().toISOString(),
    });
    outcomes.push({ ...base, status: 'added' });
  }
  if (outcomes.some((o) => o.status === 'added'))
    await deps.writeRecord(
      store.recordPath(deps.env),
      `${JSON.stringify({ schemaVersion: 1, entries: record }, null, 2)}\n`,
    );
  return outcomes;
}

/** Removes what the record says host add put in, and nothing else; verified by listing the store again. */
export async function osHostRemove(
  store: OsStore,
  target: RemoveTarget,
  deps: OsHostDeps = defaultDeps(),
): Promise<OsOutcome[]> {
  const record = await readRecord(store, deps);
  const matched = matchEntries(record, target);
  if (typeof matched === 'string') throw new Error(matched);
  const listed = await listing(store, deps);
  const outcomes: OsOutcome[] = [];
  if (target.kind === 'certificates') {
    for (const [index, fingerprint] of target.fingerprints.entries()) {
      if (matched.some((e) => e.fingerprint === fingerprint)) continue;
      outcomes.push({
        fingerprint,
        subject: target.subjects[index]!,
        status: 'not-present',
        detail: 'trustpatch has no record of adding it: left as it is',
      });
    }
  }
  let kept = record;
  for (const entry of matched) {
    const base = { fingerprint: entry.fingerprint, subject: entry.subject };
    if (listed.includes(entry.sha1)) {
      const run = await deps.run(store.removeArgv(entry.sha1));
      if (run.exitCode !== 0 || (await listing(store, deps)).includes(entry.sha1)) {
        outcomes.push({
          ...base,
          status: 'failed',
          detail: `${commandFailure(store.removeArgv(entry.sha1), run.exitCode, run.stderr || run.stdout)} (${store.privileges})`,
        });
        continue;
      }
    }
    kept = kept.filter((e) => e !== entry);
    outcomes.push({ ...base, status: listed.includes(entry.sha1) ? 'removed' : 'not-present' });
  }
  if (kept.length !== record.length)
    await deps.writeRecord(
      store.recordPath(deps.env),
      `${JSON.stringify({ schemaVersion: 1, entries: kept }, null, 2)}\n`,
    );
  return outcomes;
}

/** The record's certificates, each with whether the store still lists it. */
export async function osHostStatus(store: OsStore, deps: OsHostDeps = defaultDeps()): Promise<OsOutcome[]> {
  const listed = await listing(store, deps);
  return (await readRecord(store, deps)).map((e) => ({
    fingerprint: e.fingerprint,
    subject: e.subject,
    status: listed.includes(e.sha1) ? 'recorded' : 'not-present',
    detail: listed.includes(e.sha1) ? undefined : 'in the record but no longer in the store',
  }));
}

async function listing(store: OsStore, deps: OsHostDeps): Promise<string[]> {
  const run = await deps.run(store.listArgv());
  if (run.exitCode !== 0) throw new ContainerCommandError(store.listArgv(), run.exitCode, run.stderr || run.stdout);
  const hashes = store.parseListing(run.stdout);
  // An empty answer from a store that always holds roots means the output was not understood (a localized certutil).
  if (hashes.length === 0)
    throw new Error(
      `could not read any certificate in the output of \`${store.listArgv().join(' ')}\` (a translated output is not understood): nothing was changed`,
    );
  return hashes;
}

async function readRecord(store: OsStore, deps: OsHostDeps): Promise<OsRecordEntry[]> {
  const text = await deps.readRecord(store.recordPath(deps.env));
  if (text === undefined) return [];
  const data = JSON.parse(text) as { entries?: OsRecordEntry[] };
  return (data.entries ?? [])
    .filter((e) => typeof e.sha1 === 'string' && typeof e.fingerprint === 'string')
    .map((e) => ({ ...e, anchor: null }));
}

export function defaultDeps(): OsHostDeps {
  return {
    env: process.env,
    run: (argv) =>
      new Promise((resolve) => {
        execFile(argv[0]!, argv.slice(1), { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = (error as { code?: unknown } | null)?.code;
          resolve({
            exitCode: error ? (typeof code === 'number' ? code : 127) : 0,
            stdout,
            stderr: stderr || (error && typeof code !== 'number' ? error.message : ''),
          });
        });
      }),
    readRecord: (path) =>
      readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) =>
        error.code === 'ENOENT' ? undefined : Promise.reject(error),
      ),
    writeRecord: async (path, text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    },
  };
}
