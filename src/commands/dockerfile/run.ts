import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCertificates } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import { findShell } from '../../runtimes/scan.js';
import { openEngines, type EngineOptions } from '../engines.js';
import { detectFamily } from '../../distro/detect.js';
import type { Family } from '../../distro/family.js';
import { families, generic } from '../../distro/families.js';
import { UserError } from '../../errors.js';
import { dockerfileLines, type DockerfileInput } from '../../record/dockerfile.js';
import { scanProcesses } from '../../runtimes/scan.js';
import { surveyAppStores, writableCertifi, writableJava } from '../../app-stores/app-stores.js';
import { STORE_KINDS, type StoreKind } from '../../app-stores/types.js';
import { selectContainers } from '../../select/select-containers.js';
import { checkOptions, ENGINE_SPEC } from '../check-options.js';

export interface DockerfileOptions extends EngineOptions {
  certificate: string;
  name?: string;
  password?: string;
  /** A family id (`debian`, `alpine`, ...); or `container`, whose family and stores are detected. */
  family?: string;
  container?: string;
  /** Explicit stores: with --family, `certifi` and `java` add their generic steps. */
  stores?: readonly StoreKind[];
  /** Write each certificate as `<name>.crt` (PEM) here, for the COPY lines. */
  writeCerts?: string;
}

export interface DockerfileReport {
  family: string;
  lines: string[];
  warnings: string[];
  written: string[];
}

/** `trustpatch dockerfile`: the lines that make the change permanent, for a family or a container's. */
export async function runDockerfile(options: DockerfileOptions): Promise<DockerfileReport> {
  options = checkOptions('runDockerfile', options, {
    ...ENGINE_SPEC,
    certificate: 'string!',
    name: 'string',
    password: 'string',
    family: 'string',
    container: 'string',
    stores: 'strings',
    writeCerts: 'string',
  });
  if ((options.family === undefined) === (options.container === undefined))
    throw new UserError(
      'dockerfile needs a container or --family NAME (one of them), e.g. `trustpatch dockerfile corp.crt --family debian`.',
    );
  const loaded = await loadCertificates(options.certificate, { password: options.password, validate: false });
  const certificates = installNames(loaded.certificates, options.name).map(({ certificate, name }) => ({
    name,
    fingerprint: certificate.fingerprint,
    subject: certificate.subject,
    pem: certificate.pem,
  }));
  const input: Omit<DockerfileInput, 'certificates'> =
    options.family !== undefined ? forFamily(options.family, options.stores) : await forContainer(options);
  const written = options.writeCerts === undefined ? [] : await writeCerts(options.writeCerts, certificates);
  return {
    family: input.family.id,
    lines: dockerfileLines({ ...input, certificates }),
    warnings: loaded.warnings,
    written,
  };
}

function forFamily(id: string, stores: readonly StoreKind[] | undefined): Omit<DockerfileInput, 'certificates'> {
  // The family's name, or any os-release ID the detection maps to it (ubuntu -> debian, rocky -> rhel).
  const family: Family | undefined = [...families, generic].find(
    (f) => f.id === id.toLowerCase() || f.osIds.includes(id.toLowerCase()),
  );
  if (family === undefined)
    throw new UserError(
      `--family ${JSON.stringify(id)}: use one of ${[...families, generic].map((f) => f.id).join(', ')}, or an os-release ID of one (${families
        .flatMap((f) => f.osIds.filter((o) => o !== f.id))
        .slice(0, 6)
        .join(', ')}, ...).`,
    );
  const explicit = (kind: StoreKind) =>
    stores !== undefined && stores.length < STORE_KINDS.length && stores.includes(kind);
  return {
    family,
    certifi: explicit('certifi') ? 'generic' : [],
    java: explicit('java') ? 'generic' : [],
    node: false,
    user: '',
  };
}

async function forContainer(options: DockerfileOptions): Promise<Omit<DockerfileInput, 'certificates'>> {
  const [client] = await openEngines(options);
  if (client === undefined) throw new UserError('no engine to look the container up on.');
  const [info] = await selectContainers(client, { names: [options.container!], labels: [], filters: [], all: false });
  if (!info!.running)
    throw new UserError(
      `container ${JSON.stringify(options.container)} is ${info!.state}: start it, or give --family NAME.`,
    );
  const { family } = await detectFamily(client, info!.id);
  const apps = await surveyAppStores(client, info!.id, options.stores ?? STORE_KINDS, new Set(family.bundles));
  const shell = await findShell(client, info!.id);
  const processes = (await scanProcesses(client, info!.id, shell)) ?? [];
  const node = processes.some((p) => /(^|\/)(node|nodejs)$/.test(p.exe ?? p.command.split(' ')[0] ?? ''));
  return {
    family,
    certifi: writableCertifi(apps).map((s) => s.realPath),
    java: writableJava(apps).map((s) => ({ keystore: s.realPath, keytool: s.keytool! })),
    node,
    user: info!.user,
  };
}

async function writeCerts(dir: string, certificates: readonly { name: string; pem: string }[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const { name, pem } of certificates) {
    const path = join(dir, `${name}.crt`);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing !== undefined && existing !== pem)
      throw new UserError(`${path} exists with other content: remove it, or give another --write-certs directory.`);
    await writeFile(path, pem);
    paths.push(path);
  }
  return paths;
}
