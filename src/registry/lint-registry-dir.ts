import { certificateFromDer, type Certificate } from '../cert/certificate.js';
import { pemBlocks } from '../cert/pem.js';
import { CERTS_D, isLoopbackHost, partnerOf, roleOf } from './certs-d.js';
import { finding, q, type Finding } from './findings.js';
import { keyMatches, readPrivateKeyPem } from './key-pair.js';

/** A file of a registry directory as lint sees it: already read, so the checks are pure. */
export interface DirFile {
  name: string;
  path: string;
  mode: number;
  bytes: Buffer;
}

/** Extensions people give CA files that the engine does not read. */
const LOOKS_LIKE_CERT = /\.(pem|cer|der|ca-bundle|p7b|p7c|p12|pfx|crt\.txt)$/i;

/** Checks the name of `certs.d/<name>` itself. */
export function lintDirName(path: string, name: string): Finding[] {
  const found: Finding[] = [];
  if (name.endsWith(`:${CERTS_D.defaultPort}`))
    found.push(finding.port443(path, path.slice(0, -`:${CERTS_D.defaultPort}`.length)));
  const host = name.replace(/:[0-9]+$/, '');
  if (isLoopbackHost(host)) found.push(finding.loopback(path, name));
  return found;
}

/** Checks the files of one registry directory against the engine's rules. */
export function lintRegistryFiles(files: readonly DirFile[], now: Date): Finding[] {
  const names = new Set(files.map((f) => f.name));
  const found: Finding[] = [];
  for (const file of files) {
    const role = roleOf(file.name);
    if (role === 'ca') found.push(...lintCa(file, now));
    if (role === 'client-cert') found.push(...lintClientCert(file, names, files, now));
    if (role === 'client-key') found.push(...lintClientKey(file, names));
    if (
      role === 'ignored' &&
      (LOOKS_LIKE_CERT.test(file.name) || pemBlocks(file.bytes.toString('latin1')).length > 0)
    ) {
      found.push(finding.ignoredFile(file.path, 'the engine reads only *.crt, *.cert and *.key files.'));
    }
  }
  return found;
}

function lintCa(file: DirFile, now: Date): Finding[] {
  const read = readCertificates(file);
  if ('problem' in read) return [read.problem];
  return validity(file, read.certificates, now);
}

function lintClientCert(file: DirFile, names: Set<string>, files: readonly DirFile[], now: Date): Finding[] {
  const keyName = partnerOf(file.name)!;
  const read = readCertificates(file);
  if (!names.has(keyName)) {
    const isCa = !('problem' in read) && read.certificates[0]!.isCA;
    if (isCa)
      return [
        finding.caAsCert(file.path, `${file.path.slice(0, -CERTS_D.clientCertExtension.length)}${CERTS_D.caExtension}`),
      ];
    const missing = finding.certWithoutKey(file.path, sibling(file.path, keyName));
    return 'problem' in read ? [missing, read.problem] : [missing, ...validity(file, read.certificates, now)];
  }
  if ('problem' in read) return [read.problem];
  const found = validity(file, read.certificates, now);
  const keyFile = files.find((f) => f.name === keyName)!;
  const key = readPrivateKeyPem(keyFile.bytes);
  if (key.ok && !keyMatches(read.certificates[0]!.x509, key.key))
    found.push(finding.keyMismatch(file.path, keyFile.path));
  return found;
}

function lintClientKey(file: DirFile, names: Set<string>): Finding[] {
  const found: Finding[] = [];
  const certName = partnerOf(file.name)!;
  if (!names.has(certName)) found.push(finding.keyWithoutCert(file.path, sibling(file.path, certName)));
  if ((file.mode & 0o077) !== 0) found.push(finding.keyReadable(file.path, file.mode & 0o7777));
  const key = readPrivateKeyPem(file.bytes);
  if (!key.ok && key.problem === 'not-pem') {
    const pem = `${file.path}.pem`;
    const fix = key.detail.startsWith('DER')
      ? `openssl pkey -inform DER -in ${q(file.path)} -out ${q(pem)} && mv ${q(pem)} ${q(file.path)}`
      : `replace ${q(file.path)} with the PEM private key of its certificate`;
    found.push(finding.notPem(file.path, key.detail, fix));
  }
  if (!key.ok && key.problem !== 'not-pem') found.push(finding.unreadableKey(file.path, key.detail));
  return found;
}

/**
 * Certificates as the engine reads them: only PEM blocks labelled exactly CERTIFICATE and
 * without headers (Go's AppendCertsFromPEM and tls.X509KeyPair skip anything else).
 */
function readCertificates(file: DirFile): { certificates: Certificate[] } | { problem: Finding } {
  const blocks = pemBlocks(file.bytes.toString('latin1'));
  const usable = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (usable.length === 0) {
    const der = tryDer(file.bytes);
    const detail = der
      ? 'a DER certificate'
      : blocks.some((b) => b.label === 'TRUSTED CERTIFICATE')
        ? 'OpenSSL TRUSTED CERTIFICATE blocks, which Go skips'
        : 'no PEM CERTIFICATE block';
    const fix = der
      ? `openssl x509 -inform DER -in ${q(file.path)} -out ${q(`${file.path}.pem`)} && mv ${q(`${file.path}.pem`)} ${q(file.path)}`
      : `replace it with the PEM certificate (trustpatch registry add <registry> --ca FILE converts the formats trustpatch reads)`;
    return { problem: finding.notPem(file.path, detail, fix) };
  }
  const certificates: Certificate[] = [];
  for (const block of usable) {
    try {
      certificates.push(certificateFromDer(block.der));
    } catch {
      return {
        problem: finding.notPem(
          file.path,
          'a CERTIFICATE block that does not parse',
          'replace it with the PEM certificate',
        ),
      };
    }
  }
  return { certificates };
}

function validity(file: DirFile, certificates: readonly Certificate[], now: Date): Finding[] {
  const found: Finding[] = [];
  for (const cert of certificates) {
    const subject = cert.commonName ?? cert.subject;
    if (cert.notAfter.getTime() < now.getTime()) found.push(finding.expired(file.path, subject, cert.notAfter));
    else if (cert.notBefore.getTime() > now.getTime())
      found.push(finding.notYetValid(file.path, subject, cert.notBefore));
  }
  return found;
}

function tryDer(bytes: Buffer): boolean {
  try {
    certificateFromDer(bytes);
    return true;
  } catch {
    return false;
  }
}

function sibling(path: string, name: string): string {
  return `${path.slice(0, path.lastIndexOf('/') + 1)}${name}`;
}
