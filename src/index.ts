/** trustpatch as a library: the same functions the CLI calls. */
export { runAdd, exitCodeFor, type AddOptions, type AddReport } from './commands/add/run.js';
export {
  runCheckCommand,
  checkExitCode,
  type CheckOptions,
  type CheckReport,
  type CheckContainerResult,
  type CheckStatus,
} from './commands/check/run.js';
export { loadCertificates, parseCertificates, type LoadedCertificates, type LoadOptions } from './cert/load.js';
export {
  runInspect,
  type InspectOptions,
  type InspectReport,
  type InspectedCertificate,
} from './commands/inspect/run.js';
export { runFetchCa, type FetchCaOptions, type FetchCaReport } from './commands/fetch-ca/run.js';
export { certificateFromDer, type Certificate } from './cert/certificate.js';
export { connect, connectEngines } from './docker/connect.js';
export { resolveEngines, type EngineChoice } from './docker/resolve-engines.js';
export type { EngineAddress } from './docker/engine-address.js';
export type { ContainerClient, ContainerInfo, ExecResult } from './docker/container-client.js';
export type { ContainerResult, ContainerStatus, PatchOptions } from './types.js';
export { UserError, EngineError, UsageError } from './errors.js';
export {
  runRegistryAdd,
  registryAddExitCode,
  type RegistryAddOptions,
  type RegistryAddReport,
} from './commands/registry/add.js';
export { runRegistryLint, registryLintExitCode } from './commands/registry/lint.js';
export { runClientCert, type ClientCertOptions, type ClientCertReport } from './commands/registry/client-cert.js';
export type { Finding, FindingKind } from './registry/findings.js';
export { runRemove, removeExitCode, type RemoveOptions, type RemoveReport } from './commands/remove/run.js';
export {
  runStatus,
  statusExitCode,
  type StatusOptions,
  type StatusReport,
  type StatusContainerResult,
} from './commands/status/run.js';
export { runDockerfile, type DockerfileOptions, type DockerfileReport } from './commands/dockerfile/run.js';
export { runImageAdd, imageAddExitCode, type ImageAddOptions, type ImageAddReport } from './commands/image/add.js';
export {
  runImageStatus,
  imageStatusExitCode,
  type ImageStatusOptions,
  type ImageStatusReport,
} from './commands/image/status.js';
export type { RemoveResult } from './undo/types.js';
export { MANIFEST_PATH, type Manifest, type ManifestEntry } from './record/manifest.js';
export {
  runHostAdd,
  runHostRemove,
  runHostStatus,
  type HostAddOptions,
  type HostAddReport,
  type HostRemoveOptions,
} from './commands/host/run.js';
export { hostTrust, hostTrusts, type HostTrust } from './host/host-trusts.js';
export { LocalClient } from './host/local-client.js';
// The documents the CLI prints with --json, made from the reports above (docs/json.md).
export { addDocument, type JsonContainer } from './commands/add/json.js';
export { checkDocument } from './commands/check/json.js';
export { SCHEMA_VERSION } from './report/envelope.js';
export { statusDocument } from './commands/status/json.js';
export { removeDocument } from './commands/remove/json.js';
export { inspectDocument } from './commands/inspect/json.js';
export { registryAddDocument, registryLintDocument, clientCertDocument } from './commands/registry/json.js';
export type { DocumentCommand } from './report/envelope.js';
export type { CheckSummary } from './report/check-summary.js';
export type { CheckResult } from './check/https-check.js';
export type { FailureCause } from './check/tls-clients.js';
export type { Selector } from './select/selector.js';
export type { RestartNote } from './runtimes/restart-needed.js';
export type { StoreOutcome, StoreKind } from './app-stores/types.js';
export type { RemoveTarget } from './undo/target.js';
export type { LintReport } from './registry/lint.js';
export type { RegistryLintOptions } from './commands/registry/lint.js';
