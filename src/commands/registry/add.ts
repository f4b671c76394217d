import { NotFoundError, type ContainerClient } from '../../docker/container-client.js';
import { connectOne } from '../../docker/connect.js';
import { UserError, errorMessage } from '../../errors.js';
import type { Certificate } from '../../cert/certificate.js';
import { readCa, readClientPair } from '../../registry/add-inputs.js';
import { CERTS_D, isLoopbackHost, loopbackWarning, registryDir, registryPath } from '../../registry/certs-d.js';
import { planAdd, type FileRoleWritten } from '../../registry/plan.js';
import { containerTarget, localTarget, type CertsDirTarget } from '../../registry/target.js';
import { checkOptions } from '../check-options.js';

export interface RegistryAddOptions {
  /** `host[:port]` as written in image names. */
  registry: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  /** Base name of the client files: `<name>.cert` and `<name>.key`. */
  clientName?: string;
  certsDir?: string;
  /** Write into this container (a Docker-in-Docker engine) instead of this machine. */
  container?: string;
  /** `--host` / `--context` (given once each at most: this works on one engine). */
  host?: string | string[];
  context?: string | string[];
  dryRun?: boolean;
  force?: boolean;
  /** Injected for tests; otherwise made from `host` / DOCKER_HOST when `container` is set. */
  client?: ContainerClient;
  now?: Date;
}

/** One file's outcome (docs/development.md, code shape rule 4). Keys are named, never shown. */
export interface FileAction {
  path: string;
  role: FileRoleWritten;
  mode: number;
  status: 'written' | 'would-write' | 'skipped' | 'failed';
  note?: string;
  reason?: string;
}

export interface RegistryAddReport {
  /** The engine written through (`--container`); empty when writing on this machine. */
  engines: string[];
  registry: string;
  directory: string;
  target: string;
  dryRun: boolean;
  cas: Certificate[];
  clientCertificate?: Certificate;
  notes: string[];
  warnings: string[];
  actions: FileAction[];
}

/**
 * `trustpatch registry add`: reads and checks every input (CA, client pair, target) before
 * writing anything, then writes certs.d/<host[:port]>/ by the engine's rules.
 */
export async function runRegistryAdd(options: RegistryAddOptions): Promise<RegistryAddReport> {
  options = checkOptions('runRegistryAdd', options, {
    registry: 'string!',
    ca: 'string',
    clientCert: 'string',
    clientKey: 'string',
    clientName: 'string',
    certsDir: 'string',
    container: 'string',
    host: 'any',
    context: 'any',
    dryRun: 'boolean',
    force: 'boolean',
    client: 'object',
    now: 'date',
  });
  const now = options.now ?? new Date();
  const dir = registryDir(options.registry);
  if (options.ca === undefined && options.clientCert === undefined)
    throw new UserError('registry add: nothing to add; give --ca FILE, or --client-cert FILE with --client-key FILE.');
  if ((options.clientCert === undefined) !== (options.clientKey === undefined))
    throw new UserError('registry add: --client-cert and --client-key go together; give both.');
  const warnings: string[] = [];
  const ca = options.ca === undefined ? { certificates: [], warnings: [] } : await readCa(options.ca, now);
  warnings.push(...ca.warnings);
  const client =
    options.clientCert === undefined
      ? undefined
      : await readClientPair(options.clientCert, options.clientKey!, options.clientName ?? 'client', now);
  warnings.push(...(client?.warnings ?? []));
  if (isLoopbackHost(dir.host)) warnings.push(loopbackWarning(dir.name));
  const { target, engines } = await resolveTarget(options);
  const dirPath = registryPath(options.certsDir ?? CERTS_D.defaultDir, dir);
  const existing = await target.readFiles(dirPath);
  const planned = planAdd({
    dirPath,
    cas: ca.certificates,
    client: client?.pair,
    existing,
    force: options.force === true,
  });
  const toWrite = planned.filter((p) => p.action === 'write');
  let failure: string | undefined;
  if (!options.dryRun && toWrite.length > 0) {
    await target
      .write(toWrite.map((p) => ({ path: p.path, content: p.content, mode: p.mode })))
      .catch((error: unknown) => {
        failure = errorMessage(error);
      });
  }
  const actions = planned.map((p): FileAction => {
    const base = { path: p.path, role: p.role, mode: p.mode, note: p.note };
    if (p.action === 'skip') return { ...base, status: 'skipped' };
    if (options.dryRun) return { ...base, status: 'would-write' };
    return failure === undefined ? { ...base, status: 'written' } : { ...base, status: 'failed', reason: failure };
  });
  return {
    engines,
    registry: options.registry,
    directory: dirPath,
    target: target.description,
    dryRun: options.dryRun === true,
    cas: ca.certificates,
    clientCertificate: client?.pair.certificates[0],
    notes: dir.notes,
    warnings,
    actions,
  };
}

/** 0 when every file is in place (or would be), 1 when a write failed. */
export function registryAddExitCode(report: RegistryAddReport): number {
  return report.actions.some((a) => a.status === 'failed') ? 1 : 0;
}

async function resolveTarget(options: RegistryAddOptions): Promise<{ target: CertsDirTarget; engines: string[] }> {
  if (options.container === undefined) return { target: localTarget(), engines: [] };
  const client =
    options.client ??
    connectOne(
      { hosts: [options.host ?? []].flat(), contexts: [options.context ?? []].flat() },
      'registry add --container',
    );
  await client.ping();
  try {
    return { target: containerTarget(client, await client.inspect(options.container)), engines: [client.endpoint] };
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new UserError(
        `container ${JSON.stringify(options.container)}: no such container on ${client.endpoint}; see \`docker ps\`.`,
      );
    throw error;
  }
}
