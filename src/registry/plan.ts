import { posix } from 'node:path';
import type { Certificate } from '../cert/certificate.js';
import { pemBlocks, sha256Hex } from '../cert/pem.js';
import { UserError } from '../errors.js';
import { CERTS_D, roleOf } from './certs-d.js';
import { readPrivateKeyPem, spki } from './key-pair.js';

/** A client certificate (leaf first, then any chain) and its key, checked to match. */
export interface ClientPair {
  name: string;
  certificates: Certificate[];
  keyPem: string;
}

export interface PlanInput {
  /** Absolute path of certs.d/<host[:port]>. */
  dirPath: string;
  cas: readonly Certificate[];
  client?: ClientPair;
  /** Files already in that directory, by name; undefined when it does not exist. */
  existing: ReadonlyMap<string, Buffer> | undefined;
  /** Replace a different client certificate of the same name. */
  force: boolean;
}

export type FileRoleWritten = 'ca' | 'client-cert' | 'client-key';

export interface PlannedFile {
  path: string;
  role: FileRoleWritten;
  mode: number;
  content: Buffer;
  action: 'write' | 'skip';
  note?: string;
}

/**
 * What `registry add` will write, from what is there already. Pure: the same input gives the
 * same plan, and a second run over its own output plans only skips. A CA already in any
 * `*.crt` of the directory is not written again; another CA's `ca.crt` is kept.
 */
export function planAdd(input: PlanInput): PlannedFile[] {
  const existing = input.existing ?? new Map<string, Buffer>();
  const planned: PlannedFile[] = [];
  if (input.cas.length > 0) planned.push(planCa(input.dirPath, input.cas, existing));
  if (input.client !== undefined) planned.push(...planClient(input.dirPath, input.client, existing, input.force));
  return planned;
}

function planCa(dirPath: string, cas: readonly Certificate[], existing: ReadonlyMap<string, Buffer>): PlannedFile {
  const holders = new Map<string, string>();
  for (const [name, bytes] of existing) {
    if (roleOf(name) !== 'ca') continue;
    for (const block of pemBlocks(bytes.toString('latin1')))
      if (block.label === 'CERTIFICATE') holders.set(sha256Hex(block.der), name);
  }
  const missing = cas.filter((c) => !holders.has(c.fingerprint));
  if (missing.length === 0) {
    const where = [...new Set(cas.map((c) => holders.get(c.fingerprint)!))];
    return {
      path: posix.join(dirPath, where[0]!),
      role: 'ca',
      mode: CERTS_D.fileMode,
      content: Buffer.alloc(0),
      action: 'skip',
      note: `already trusted in ${where.join(', ')}`,
    };
  }
  const free = !existing.has('ca.crt');
  const name = free ? 'ca.crt' : `ca-${missing[0]!.fingerprint.slice(0, 8)}.crt`;
  const content = Buffer.from(missing.map((c) => c.pem).join(''), 'utf8');
  const note = free ? undefined : 'ca.crt holds other certificates and is kept; the engine reads every *.crt';
  return { path: posix.join(dirPath, name), role: 'ca', mode: CERTS_D.fileMode, content, action: 'write', note };
}

function planClient(
  dirPath: string,
  client: ClientPair,
  existing: ReadonlyMap<string, Buffer>,
  force: boolean,
): PlannedFile[] {
  const certName = `${client.name}${CERTS_D.clientCertExtension}`;
  const keyName = `${client.name}${CERTS_D.clientKeyExtension}`;
  const certContent = Buffer.from(client.certificates.map((c) => c.pem).join(''), 'utf8');
  const keyContent = Buffer.from(client.keyPem, 'utf8');
  const same = sameClient(existing.get(certName), existing.get(keyName), client);
  const present = existing.has(certName) || existing.has(keyName);
  if (present && !same && !force) {
    throw new UserError(
      `${posix.join(dirPath, certName)}: a different client certificate or key is already there; choose another --client-name, or pass --force to replace it. Nothing was written.`,
    );
  }
  const action = same ? 'skip' : 'write';
  const note = same ? 'already there' : present ? 'replaced the previous client certificate (--force)' : undefined;
  // The key first: it is the file the certificate needs (the engine pairs them by name).
  return [
    {
      path: posix.join(dirPath, keyName),
      role: 'client-key',
      mode: CERTS_D.keyMode,
      content: keyContent,
      action,
      note,
    },
    {
      path: posix.join(dirPath, certName),
      role: 'client-cert',
      mode: CERTS_D.fileMode,
      content: certContent,
      action,
      note,
    },
  ];
}

/** Same leaf certificate and a key with the same public half: nothing to do. */
function sameClient(cert: Buffer | undefined, key: Buffer | undefined, client: ClientPair): boolean {
  if (cert === undefined || key === undefined) return false;
  const leaf = pemBlocks(cert.toString('latin1')).find((b) => b.label === 'CERTIFICATE');
  if (leaf === undefined || sha256Hex(leaf.der) !== client.certificates[0]!.fingerprint) return false;
  const reading = readPrivateKeyPem(key);
  return reading.ok && spki(reading.key).equals(spki(client.certificates[0]!.x509));
}
