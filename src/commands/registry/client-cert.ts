import { join } from 'node:path';
import { loadCertificates } from '../../cert/load.js';
import { certificateFromDer, type Certificate } from '../../cert/certificate.js';
import { pemBlocks, sha256Hex } from '../../cert/pem.js';
import { UserError, errorMessage } from '../../errors.js';
import { readKeyFile } from '../../registry/add-inputs.js';
import { CERTS_D, checkBaseName } from '../../registry/certs-d.js';
import { makeClientCertificate } from '../../registry/client-cert.js';
import { keyMatches, readPrivateKeyPem } from '../../registry/key-pair.js';
import { localTarget } from '../../registry/target.js';
import type { FileAction } from './add.js';
import { checkOptions } from '../check-options.js';

export interface ClientCertOptions {
  caCert: string;
  caKey: string;
  commonName: string;
  outDir: string;
  /** Base name of the files: `<name>.cert`, `<name>.key`. */
  name?: string;
  days?: number;
  /** Name of the environment variable that holds the CA key's passphrase (never a flag value: argv is visible to every user). */
  caKeyPassphraseEnv?: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface ClientCertReport {
  certificate: Certificate;
  ca: Certificate;
  warnings: string[];
  actions: FileAction[];
}

/**
 * `trustpatch registry client-cert`: a client key and certificate signed by the given CA,
 * written with the names certs.d expects (`client.cert`, `client.key` 0600) plus `ca.crt`.
 */
export async function runClientCert(options: ClientCertOptions): Promise<ClientCertReport> {
  options = checkOptions('runClientCert', options, {
    caCert: 'string!',
    caKey: 'string!',
    commonName: 'string!',
    outDir: 'string!',
    name: 'string',
    days: 'number',
    caKeyPassphraseEnv: 'string',
    force: 'boolean',
    env: 'object',
    now: 'date',
  });
  const name = checkBaseName('--name', options.name ?? 'client');
  const days = options.days ?? 365;
  if (options.commonName.trim() === '' || options.commonName.length > 64)
    throw new UserError(`--cn ${JSON.stringify(options.commonName)}: give a common name of 1 to 64 characters.`);
  if (!Number.isInteger(days) || days < 1 || days > 36500)
    throw new UserError(`--days ${days}: give a whole number of days from 1 to 36500.`);
  const loaded = await loadCertificates(options.caCert);
  const ca = loaded.certificates[0]!;
  const warnings = [...loaded.warnings];
  if (loaded.certificates.length > 1)
    warnings.push(
      `${options.caCert}: ${loaded.certificates.length} certificates; the first (${ca.commonName ?? ca.subject}) signs.`,
    );
  if (!ca.isCA)
    throw new UserError(
      `${options.caCert}: ${ca.commonName ?? ca.subject} is not a CA certificate (no basicConstraints CA:TRUE); give the CA that the registry's clientcas lists.`,
    );
  const caKey = await readCaKey(options);
  if (!keyMatches(ca.x509, caKey))
    throw new UserError(
      `${options.caKey} is not the key of ${options.caCert} (different public keys); give the CA's own key.`,
    );
  const made = makeClientCertificate({
    caCertDer: ca.der,
    caKey,
    caKeySource: options.caKey,
    commonName: options.commonName,
    days,
    now: options.now,
  });
  const files = [
    {
      path: join(options.outDir, `${name}${CERTS_D.clientKeyExtension}`),
      role: 'client-key' as const,
      mode: CERTS_D.keyMode,
      content: made.keyPem,
    },
    {
      path: join(options.outDir, `${name}${CERTS_D.clientCertExtension}`),
      role: 'client-cert' as const,
      mode: CERTS_D.fileMode,
      content: made.certPem,
    },
  ];
  const target = localTarget();
  const existing = (await target.readFiles(options.outDir)) ?? new Map<string, Buffer>();
  const taken = files.filter((f) => existing.has(f.path.slice(options.outDir.length).replace(/^\/+/, '')));
  if (taken.length > 0 && options.force !== true)
    throw new UserError(
      `${taken[0]!.path} already exists; choose another -o or --name, or pass --force. Nothing was written.`,
    );
  const caAction = planCaCopy(options.outDir, ca, existing.get('ca.crt'));
  const toWrite =
    caAction.status === 'skipped'
      ? files
      : [...files, { path: caAction.path, role: 'ca' as const, mode: CERTS_D.fileMode, content: ca.pem }];
  await target
    .write(toWrite.map((f) => ({ path: f.path, content: f.content, mode: f.mode })))
    .catch((error: unknown) => {
      throw new UserError(
        `-o ${options.outDir}: cannot write there (${errorMessage(error)}); give a directory you can write.`,
      );
    });
  const actions: FileAction[] = files.map((f) => ({ path: f.path, role: f.role, mode: f.mode, status: 'written' }));
  actions.push(caAction);
  return { certificate: certificateFromDer(made.x509.raw), ca, warnings, actions };
}

async function readCaKey(options: ClientCertOptions) {
  const env = options.env ?? process.env;
  const variable = options.caKeyPassphraseEnv;
  const passphrase = variable === undefined ? undefined : env[variable];
  if (variable !== undefined && passphrase === undefined)
    throw new UserError(
      `--ca-key-passphrase-env ${variable}: that environment variable is not set; export it with the CA key's passphrase.`,
    );
  const reading = readPrivateKeyPem(await readKeyFile(options.caKey), { passphrase });
  if (reading.ok) return reading.key;
  if (reading.problem === 'encrypted')
    throw new UserError(
      `${options.caKey}: the CA key is encrypted; put its passphrase in an environment variable and name it with --ca-key-passphrase-env VAR.`,
    );
  throw new UserError(
    `${options.caKey}: not a usable PEM private key (${reading.detail}); give the CA's private key in PEM.`,
  );
}

/** `ca.crt` next to the pair, as certs.d wants it; another CA's ca.crt is left alone. */
function planCaCopy(outDir: string, ca: Certificate, existing: Buffer | undefined): FileAction {
  const path = join(outDir, 'ca.crt');
  if (existing === undefined) return { path, role: 'ca', mode: CERTS_D.fileMode, status: 'written' };
  const same = pemBlocks(existing.toString('latin1')).some((b) => sha256Hex(b.der) === ca.fingerprint);
  return {
    path,
    role: 'ca',
    mode: CERTS_D.fileMode,
    status: 'skipped',
    note: same ? 'already there' : 'holds another certificate; left as it is',
  };
}
