import { loadCertificates } from '../cert/load.js';
import { installNames } from '../cert/name.js';
import type { Certificate } from '../cert/certificate.js';
import { NotFoundError, type ContainerClient, type ContainerInfo } from '../docker/container-client.js';
import { connect } from '../docker/connect.js';
import { UserError } from '../errors.js';
import { patchContainer } from '../patch/patch-container.js';
import type { CertificateToInstall, ContainerResult, InstallMode, ProgressListener } from '../patch/types.js';
import { mapLimit } from '../util/pool.js';

export interface AddOptions {
  certificate: string;
  containers: readonly string[];
  name?: string;
  /** PKCS#12 password (see src/cert/password.ts for where the CLI takes it from). */
  password?: string;
  /** Install expired or not-yet-valid certificates instead of refusing them. */
  allowExpired?: boolean;
  checkUrls?: readonly string[];
  install?: InstallMode;
  timeoutMs?: number;
  concurrency?: number;
  proxy?: string;
  host?: string;
  /** Injected for tests; otherwise made from `host` / DOCKER_HOST. */
  client?: ContainerClient;
  onProgress?: ProgressListener;
}

export interface AddReport {
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
  results: ContainerResult[];
}

/**
 * `trustpatch add`: reads and validates everything first (certificate, name, engine,
 * containers) so that bad input changes nothing, then patches each container.
 */
export async function runAdd(options: AddOptions): Promise<AddReport> {
  const loaded = await loadCertificates(options.certificate, { password: options.password, allowExpired: options.allowExpired });
  const installed: CertificateToInstall[] = installNames(loaded.certificates, options.name);
  if (options.containers.length === 0) throw new UserError('no container given; name one or more containers (see `docker ps`).');
  const client = options.client ?? connect({ host: options.host });
  await client.ping();
  const targets = await resolveContainers(client, options.containers);
  const context = {
    client,
    certificates: installed,
    options: { checkUrls: options.checkUrls ?? [], install: options.install ?? 'auto', timeoutMs: options.timeoutMs ?? 300_000, proxy: options.proxy },
    onProgress: options.onProgress,
  };
  const results = await mapLimit(targets, options.concurrency ?? 8, (info) => patchContainer(context, info));
  return { certificates: loaded.certificates, installed, warnings: loaded.warnings, results: results.filter((r) => r !== undefined) };
}

/** Exit status: 0 when every container ended trusted, 1 when any failed. */
export function exitCodeFor(results: readonly ContainerResult[]): number {
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

async function resolveContainers(client: ContainerClient, names: readonly string[]): Promise<ContainerInfo[]> {
  const found: ContainerInfo[] = [];
  for (const name of names) {
    try {
      const info = await client.inspect(name);
      if (!found.some((other) => other.id === info.id)) found.push(info);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UserError(`container ${JSON.stringify(name)}: no such container on ${client.endpoint}; see \`docker ps\`.`);
      throw error;
    }
  }
  return found;
}
