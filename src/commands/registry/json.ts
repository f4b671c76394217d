import type { RegistryAddReport } from './add.js';
import type { ClientCertReport } from './client-cert.js';
import type { LintReport } from '../../registry/lint.js';
import type { Certificate } from '../../cert/certificate.js';
import type { FileAction } from './add.js';
import { envelope } from '../../report/envelope.js';

/** `registry add --json`: the engine is named only when it wrote into a container. */
export function registryAddDocument(report: RegistryAddReport) {
  const { cas, clientCertificate, engines, ...rest } = report;
  return {
    ...envelope('registry add', engines),
    ...rest,
    actions: rest.actions.map(actionJson),
    cas: cas.map(certificateJson),
    clientCertificate: clientCertificate === undefined ? null : certificateJson(clientCertificate),
  };
}

export function registryLintDocument(report: LintReport) {
  return { ...envelope('registry lint', []), ...report };
}

export function clientCertDocument(report: ClientCertReport) {
  return {
    ...envelope('registry client-cert', []),
    certificate: certificateJson(report.certificate),
    ca: certificateJson(report.ca),
    warnings: report.warnings,
    actions: report.actions.map(actionJson),
  };
}

/** Certificates in JSON: the facts, not the X509Certificate object. Keys never appear. */
export function certificateJson(cert: Certificate): Record<string, unknown> {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    fingerprint: cert.fingerprint,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCA: cert.isCA,
  };
}

/** A file action in JSON, with its mode as octal text ("0600") as people read modes. */
export function actionJson(action: FileAction): Record<string, unknown> {
  return { ...action, mode: action.mode.toString(8).padStart(4, '0') };
}
