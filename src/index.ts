/** trustpatch as a library: the same functions the CLI calls. */
export { runAdd, exitCodeFor, type AddOptions, type AddReport } from './commands/add.js';
export { loadCertificates, parseCertificates, type LoadedCertificates, type LoadOptions } from './cert/load.js';
export { runInspect, type InspectOptions, type InspectReport, type InspectedCertificate } from './commands/inspect.js';
export { runFetchCa, type FetchCaOptions, type FetchCaReport } from './commands/fetch-ca.js';
export { certificateFromDer, type Certificate } from './cert/certificate.js';
export { connect, type ConnectOptions } from './docker/connect.js';
export type { ContainerClient, ContainerInfo, ExecResult } from './docker/container-client.js';
export type { ContainerResult, ContainerStatus, PatchOptions } from './patch/types.js';
export { UserError, EngineError, UsageError } from './errors.js';
export { runRegistryAdd, registryAddExitCode, type RegistryAddOptions, type RegistryAddReport } from './commands/registry-add.js';
export { runRegistryLint, registryLintExitCode } from './commands/registry-lint.js';
export { runClientCert, type ClientCertOptions, type ClientCertReport } from './commands/registry-client-cert.js';
export type { Finding, FindingKind } from './registry/findings.js';
export { runRemove, removeExitCode, type RemoveOptions, type RemoveReport } from './commands/remove.js';
export { runStatus, statusExitCode, type StatusOptions, type StatusContainerResult } from './commands/status.js';
export { runDockerfile, type DockerfileOptions, type DockerfileReport } from './commands/dockerfile.js';
export type { RemoveResult } from './undo/types.js';
export { MANIFEST_PATH, type Manifest, type ManifestEntry } from './record/manifest.js';
