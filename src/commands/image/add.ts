import { loadCertificates } from '../../cert/load.js';
import { installNames } from '../../cert/name.js';
import type { Certificate } from '../../cert/certificate.js';
import type { ContainerClient } from '../../docker/container-client.js';
import { DeadlineClient } from '../../docker/deadline-client.js';
import type { ImageClient, ImageInfo } from '../../docker/image-client.js';
import { UserError } from '../../errors.js';
import { commitPatched, type Committed } from '../../image/commit-steps.js';
import { formatName, type ImageName, wantedConfig } from '../../image/image-config.js';
import { inspectNamed, openImageEngine, targetName } from '../../image/image-engine.js';
import { NeverStartedClient } from '../../image/never-started.js';
import { createTemporary, type Temporary } from '../../image/temporary.js';
import { patchContainer } from '../../patch/patch-container.js';
import type { CertificateToInstall, ContainerResult } from '../../types.js';
import type { AddOptions } from '../add/run.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../fleet.js';
import type { EngineOptions } from '../engines.js';

/** The patch's own options are add's: the temporary container is patched as a running one. */
type PatchFlags =
  | 'name'
  | 'password'
  | 'allowExpired'
  | 'allowLeaf'
  | 'checkUrls'
  | 'install'
  | 'timeoutMs'
  | 'proxy'
  | 'stores'
  | 'lockDir'
  | 'onProgress';

export interface ImageAddOptions extends EngineOptions, Pick<AddOptions, PatchFlags> {
  certificate: string;
  image: string;
  /** NEW's name; default: IMAGE's tag plus `-trustpatch` (see defaultTag). */
  tag?: string;
  /** Allow NEW to be a name that already exists (IMAGE's own included). */
  force?: boolean;
  /** The temporary container's network (`host` for a check URL on this machine's loopback). */
  network?: string;
  /** Aborting it removes the temporary container at once; no image is written. */
  signal?: AbortSignal;
}

export interface ImageAddReport {
  certificates: Certificate[];
  installed: CertificateToInstall[];
  warnings: string[];
  engine: string;
  image: { reference: string; id: string };
  /** NEW's name, `repo:tag`. */
  tag: string;
  /** False when the image had no sleep: its container was never started (archive-only path). */
  started: boolean;
  /** The temporary container's patch, exactly as `add` reports a running container's. */
  result: ContainerResult | undefined;
  /** Set once NEW is written. */
  committed?: Committed;
  interrupted: boolean;
}

/** The state the steps of `image add` share (docs/development.md, code shape rule 13). */
interface State {
  options: ImageAddOptions;
  client: ContainerClient;
  images: ImageClient;
  image: ImageInfo;
  target: ImageName;
  installed: CertificateToInstall[];
  timeoutMs: number;
  temporary?: Temporary;
  temporaryId?: string;
  removal?: Promise<void>;
  result?: ContainerResult;
  committed?: Committed;
}

/**
 * `trustpatch image add CA IMAGE`: a temporary container of IMAGE, patched by the same pipeline
 * as a running container, committed as NEW with IMAGE's configuration plus one label, and
 * removed whatever happens. IMAGE itself is never changed.
 */
export async function runImageAdd(options: ImageAddOptions): Promise<ImageAddReport> {
  const loaded = await loadCertificates(options.certificate, {
    password: options.password,
    allowExpired: options.allowExpired,
    allowLeaf: options.allowLeaf,
    validate: true,
  });
  const { client, images } = await openImageEngine(options, 'image add');
  const image = await inspectNamed(images, options.image);
  assertImageLinux(image, options.image);
  const target = await targetName(images, options.image, image, options.tag, options.force === true);
  const state: State = {
    options,
    client,
    images,
    image,
    target,
    installed: installNames(loaded.certificates, options.name),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000,
  };
  const removeNow = () => void removeTemporary(state).catch(() => undefined);
  options.signal?.addEventListener('abort', removeNow, { once: true });
  try {
    await makeTemporary(state);
    await patchTemporary(state);
    if (state.result?.status === 'patched' || state.result?.status === 'already-trusted') await commitNew(state);
  } catch (error) {
    // The abort removed the container under a step (Podman answers 500 "no such container"
    // then): that is the interruption, reported as one, not an error.
    if (options.signal?.aborted !== true) throw error;
  } finally {
    options.signal?.removeEventListener('abort', removeNow);
    await removeTemporary(state);
  }
  const { result, committed, temporary } = state;
  return {
    certificates: loaded.certificates,
    installed: state.installed,
    warnings: loaded.warnings,
    engine: client.endpoint,
    image: { reference: options.image, id: image.id },
    tag: formatName(target),
    started: temporary?.started ?? false,
    result,
    committed,
    interrupted: options.signal?.aborted === true,
  };
}

async function makeTemporary(state: State): Promise<void> {
  if (state.options.signal?.aborted) return;
  state.options.onProgress?.({ container: state.options.image, step: 'creating a temporary container' });
  state.temporary = await createTemporary(state.client, state.images, state.image, {
    timeoutMs: state.timeoutMs,
    network: state.options.network,
    onCreated: (id) => (state.temporaryId = id),
  });
  // Interrupted while it was being made: the abort found no id to remove yet.
  if (state.options.signal?.aborted) await removeTemporary(state);
}

async function patchTemporary(state: State): Promise<void> {
  const { options, temporary } = state;
  if (temporary === undefined || options.signal?.aborted) return;
  const engine = temporary.started ? state.client : new NeverStartedClient(state.client);
  const patchOptions = {
    checkUrls: options.checkUrls ?? [],
    install: options.install ?? 'auto',
    timeoutMs: state.timeoutMs,
    proxy: options.proxy,
    stores: options.stores,
    lockDir: options.lockDir,
  };
  const client = new DeadlineClient(engine, state.timeoutMs);
  const info = { ...(await client.inspect(temporary.id)), name: options.image, image: options.image };
  state.result = await patchContainer(
    { client, certificates: state.installed, options: patchOptions, onProgress: options.onProgress },
    info,
  );
}

async function commitNew(state: State): Promise<void> {
  if (state.temporary === undefined || state.options.signal?.aborted) return;
  state.options.onProgress?.({ container: state.options.image, step: `committing ${formatName(state.target)}` });
  const config = wantedConfig(
    state.image.config,
    state.installed.map((c) => c.certificate.fingerprint),
  );
  state.committed = await commitPatched(state.images, state.temporary.id, state.image, state.target, config);
}

/** Once: an abort and the final cleanup share the one removal. */
function removeTemporary(state: State): Promise<void> {
  if (state.temporaryId !== undefined) state.removal ??= state.images.removeContainer(state.temporaryId);
  return state.removal ?? Promise.resolve();
}

/** Exit status: 130 interrupted, 0 when NEW was written, else 1 (a failed patch or check: no image). */
export function imageAddExitCode(report: ImageAddReport): number {
  if (report.interrupted) return 130;
  return report.committed === undefined ? 1 : 0;
}

export function assertImageLinux(image: ImageInfo, reference: string): void {
  if (image.os !== '' && image.os !== 'linux')
    throw new UserError(`${reference} is a ${image.os} image: only Linux trust stores can be patched.`);
}
