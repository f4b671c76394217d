import type { ContainerClient } from '../docker/container-client.js';
import type { CertificateToInstall } from '../types.js';
import { certifiAppend, checkWithCertifi, inspectCertifi } from './certifi.js';
import { findStoreFiles, findStoreRuntime } from './find.js';
import { importArgv, inspectJava, javaAlias, listJava } from './java.js';
import type { CertifiRecord, CertifiStore, JavaRecord, JavaStore, StoreKind, StoreOutcome } from './types.js';
import { ContainerCommandError } from '../errors.js';

/** The application stores found in a container (reads only). */
export interface AppSurvey {
  certifi: CertifiStore[];
  java: JavaStore[];
  notes: string[];
}

/** A file's bytes before trustpatch changed it: how a failed patch puts it back. */
export interface SavedFile {
  path: string;
  content: Buffer;
}

export const NO_APP_STORES: AppSurvey = { certifi: [], java: [], notes: [] };

/**
 * With `onlyWithRuntime` (the container's environment), the filesystem is searched only where a
 * Python or Java is found (see findStoreRuntime): what `add` does unless `--stores` names them.
 */
export async function surveyAppStores(
  client: ContainerClient,
  id: string,
  kinds: readonly StoreKind[],
  systemBundles: ReadonlySet<string>,
  options: { onlyWithRuntime?: readonly string[] } = {},
): Promise<AppSurvey> {
  const wantCertifi = kinds.includes('certifi');
  const wantJava = kinds.includes('java');
  if (!wantCertifi && !wantJava) return NO_APP_STORES;
  if (
    options.onlyWithRuntime !== undefined &&
    (await findStoreRuntime(client, id, options.onlyWithRuntime)) === undefined
  )
    return NO_APP_STORES;
  const found = await findStoreFiles(client, id);
  const certifi = wantCertifi
    ? distinct(
        (await Promise.all(found.certifi.map((p) => inspectCertifi(client, id, p, systemBundles)))).filter(
          (s) => s !== undefined,
        ),
      )
    : [];
  const java = wantJava
    ? distinct((await Promise.all(found.java.map((p) => inspectJava(client, id, p)))).filter((s) => s !== undefined))
    : [];
  return { certifi, java, notes: found.problem === undefined ? [] : [found.problem] };
}

/** Certifi files that are their Python's own store, and keystores trustpatch can change itself. */
export function writableCertifi(survey: AppSurvey): CertifiStore[] {
  return survey.certifi.filter((s) => s.use === 'own');
}

export function writableJava(survey: AppSurvey): JavaStore[] {
  return survey.java.filter((s) => !s.linkedToSystem && s.keytool !== undefined && s.fingerprints !== undefined);
}

/** True when every store trustpatch would write already holds every certificate. */
export function appStoresHold(survey: AppSurvey, fingerprints: readonly string[]): boolean {
  const stores = [
    ...writableCertifi(survey).map((s) => s.fingerprints),
    ...writableJava(survey).map((s) => s.fingerprints!),
  ];
  return stores.every((held) => fingerprints.every((fp) => held.includes(fp)));
}

export interface AppPatch {
  outcomes: StoreOutcome[];
  certifi: Map<string, CertifiRecord[]>;
  java: Map<string, JavaRecord[]>;
  commands: string[][];
}

/**
 * Appends each CA (with its marker line) to every certifi file that is its Python's own store,
 * and imports it into every JDK keystore that is not a link to the system-generated one. Each
 * file's bytes are saved first in `saved`, so a failed patch restores them.
 */
export async function patchAppStores(
  client: ContainerClient,
  id: string,
  survey: AppSurvey,
  certificates: readonly CertificateToInstall[],
  saved: SavedFile[],
): Promise<AppPatch> {
  const patch: AppPatch = { outcomes: [], certifi: new Map(), java: new Map(), commands: [] };
  for (const store of survey.certifi) {
    if (store.use !== 'own') {
      patch.outcomes.push({
        kind: 'certifi',
        path: store.path,
        action: store.use === 'system' ? 'covered' : 'skipped',
        note:
          store.use === 'system' ? `certifi.where() is the system bundle (${store.where})` : `not used: ${store.where}`,
      });
      continue;
    }
    const missing = certificates.filter((c) => !store.fingerprints.includes(c.certificate.fingerprint));
    if (missing.length === 0) {
      patch.outcomes.push({
        kind: 'certifi',
        path: store.realPath,
        action: 'present',
        note: `already holds it (${store.python})`,
      });
      continue;
    }
    saved.push({ path: store.realPath, content: store.content });
    let text = store.content.toString('latin1');
    for (const { certificate } of missing) {
      const added = certifiAppend(text, certificate.fingerprint, certificate.pem);
      text += added;
      push(patch.certifi, certificate.fingerprint, { path: store.realPath, text: added, python: store.python! });
    }
    await client.putFiles(id, [{ path: store.realPath, content: Buffer.from(text, 'latin1'), mode: 0o644 }]);
    patch.outcomes.push({ kind: 'certifi', path: store.realPath, action: 'added', note: `read by ${store.python}` });
  }
  for (const store of survey.java) {
    if (store.linkedToSystem) {
      patch.outcomes.push({
        kind: 'java',
        path: store.path,
        action: 'covered',
        note: `links to ${store.realPath}, which the system update regenerates`,
      });
      continue;
    }
    if (store.keytool === undefined || store.fingerprints === undefined) {
      patch.outcomes.push({
        kind: 'java',
        path: store.realPath,
        action: 'skipped',
        note: store.problem ?? 'cannot be listed',
      });
      continue;
    }
    const missing = certificates.filter((c) => !store.fingerprints!.includes(c.certificate.fingerprint));
    if (missing.length === 0) {
      patch.outcomes.push({ kind: 'java', path: store.realPath, action: 'present', note: 'already holds it' });
      continue;
    }
    const file = await client.getArchive(id, store.realPath);
    if (file?.[0]?.type === 'file') saved.push({ path: store.realPath, content: file[0].content });
    for (const { certificate } of missing) {
      const argv = importArgv(store, certificate.fingerprint);
      const run = await client.exec(id, argv, { stdin: certificate.pem, timeoutMs: 60_000 });
      if (run.exitCode !== 0)
        throw new ContainerCommandError(argv, run.exitCode, run.stdout + run.stderr, {
          shown: 'keytool -importcert',
          where: `into ${store.realPath}`,
          lines: 1,
        });
      patch.commands.push(argv);
      push(patch.java, certificate.fingerprint, {
        keystore: store.realPath,
        alias: javaAlias(certificate.fingerprint),
        keytool: store.keytool,
      });
    }
    const after = await listJava(client, id, store);
    const absent = missing.filter((c) => !after.fingerprints?.includes(c.certificate.fingerprint));
    if (absent.length > 0)
      throw new Error(
        `${store.realPath} does not list the CA after \`keytool -importcert\` (${after.problem ?? 'keytool -list'})`,
      );
    patch.outcomes.push({
      kind: 'java',
      path: store.realPath,
      action: 'added',
      note: `keytool -importcert, alias ${javaAlias(missing[0]!.certificate.fingerprint)}`,
    });
  }
  return patch;
}

/**
 * After the system update: a keystore linked to the system-generated one holds the CA only if
 * the update regenerated it (ca-certificates-java's hook). Says so either way.
 */
export async function confirmLinkedJava(
  client: ContainerClient,
  id: string,
  survey: AppSurvey,
  outcomes: StoreOutcome[],
  fingerprints: readonly string[],
): Promise<void> {
  const seen = new Set<string>();
  for (const store of survey.java.filter((s) => s.linkedToSystem && s.keytool !== undefined)) {
    if (seen.has(store.realPath)) continue;
    seen.add(store.realPath);
    const listed = await listJava(client, id, store);
    const holds = listed.fingerprints !== undefined && fingerprints.every((fp) => listed.fingerprints!.includes(fp));
    for (const outcome of outcomes.filter(
      (o) => o.kind === 'java' && o.action === 'covered' && o.note.includes(store.realPath),
    )) {
      if (holds) outcome.note += ' (keytool -list: holds it)';
      else
        Object.assign(outcome, {
          action: 'skipped',
          note: `links to ${store.realPath}, which does not hold the CA: the system update did not regenerate it${listed.problem ? ` (${listed.problem})` : ''}`,
        });
    }
  }
}

/** Checks each URL with every certifi store's own Python; the first failure, or undefined. */
export async function checkCertifiStores(
  client: ContainerClient,
  id: string,
  survey: AppSurvey,
  urls: readonly string[],
  options: { proxy?: string; user?: string },
): Promise<string | undefined> {
  for (const store of writableCertifi(survey)) {
    for (const url of urls) {
      const problem = await checkWithCertifi(client, id, store, url, options);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function distinct<T extends { realPath: string }>(stores: readonly T[]): T[] {
  return stores.filter((s, i) => stores.findIndex((o) => o.realPath === s.realPath) === i);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}
