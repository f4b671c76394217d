import { CERTS_D } from './certs-d.js';

/** One problem `registry lint` found (docs/development.md, code shape rule 4): the report, JSON and exit status derive from the list. */
export type FindingKind =
  | 'ca-as-cert'
  | 'cert-without-key'
  | 'key-without-cert'
  | 'key-mismatch'
  | 'unreadable-key'
  | 'port-443'
  | 'not-pem'
  | 'expired'
  | 'not-yet-valid'
  | 'key-readable'
  | 'loopback'
  | 'ignored-file';

export interface Finding {
  kind: FindingKind;
  /** The file or directory at fault. */
  path: string;
  /** What is wrong and what the engine does about it. */
  problem: string;
  /** The next step, often a command. */
  fix: string;
}

/** A path as it can be pasted into a shell. */
export const q = (path: string) => (/^[A-Za-z0-9._/:@+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`);

/** Every finding's wording in one place, so the tests and the README speak of the same things. */
export const finding = {
  caAsCert: (path: string, renamed: string): Finding => ({
    kind: 'ca-as-cert',
    path,
    problem:
      'a CA certificate saved as .cert: the engine takes .cert files for client certificates and fails every request to this registry with "missing key ... CA certificates should use the extension .crt".',
    fix: `mv ${q(path)} ${q(renamed)}`,
  }),
  certWithoutKey: (path: string, key: string): Finding => ({
    kind: 'cert-without-key',
    path,
    problem: `client certificate without its key ${key}: the engine fails every request to this registry ("missing key").`,
    fix: `put the matching private key at ${q(key)} (mode 0600), or remove ${q(path)}`,
  }),
  keyWithoutCert: (path: string, cert: string): Finding => ({
    kind: 'key-without-cert',
    path,
    problem: `private key without its client certificate ${cert}: the engine fails every request to this registry ("missing client certificate").`,
    fix: `put the matching client certificate at ${q(cert)}, or remove ${q(path)}`,
  }),
  keyMismatch: (path: string, key: string): Finding => ({
    kind: 'key-mismatch',
    path,
    problem: `the certificate's public key is not the public half of ${key}: the engine fails every request to this registry ("private key does not match public key").`,
    fix: `replace ${q(key)} with the key this certificate was issued for, or issue a new pair (trustpatch registry client-cert)`,
  }),
  unreadableKey: (path: string, detail: string): Finding => ({
    kind: 'unreadable-key',
    path,
    problem: `the engine cannot read this key (${detail}); it reads unencrypted PEM keys only.`,
    fix: detail.includes('encrypted')
      ? `openssl pkey -in ${q(path)} -out ${q(path)}.new && mv ${q(path)}.new ${q(path)} && chmod 600 ${q(path)}`
      : `replace ${q(path)} with the PEM private key of its certificate`,
  }),
  port443: (path: string, renamed: string): Finding => ({
    kind: 'port-443',
    path,
    problem:
      'directory name with :443: the engine looks it up only for image names that spell out :443; `docker pull host/image` reads the directory without the port.',
    fix: `mv ${q(path)} ${q(renamed)}`,
  }),
  notPem: (path: string, detail: string, fix: string): Finding => ({
    kind: 'not-pem',
    path,
    problem: `not PEM (${detail}): the engine reads PEM only and ${path.endsWith(CERTS_D.caExtension) ? 'silently skips this CA' : 'fails every request to this registry'}.`,
    fix,
  }),
  expired: (path: string, subject: string, notAfter: Date): Finding => ({
    kind: 'expired',
    path,
    problem: `certificate ${subject} expired on ${notAfter.toISOString()}.`,
    fix: `replace ${q(path)} with a current certificate`,
  }),
  notYetValid: (path: string, subject: string, notBefore: Date): Finding => ({
    kind: 'not-yet-valid',
    path,
    problem: `certificate ${subject} is not valid before ${notBefore.toISOString()} (check the clock, or the certificate).`,
    fix: `replace ${q(path)}, or wait until ${notBefore.toISOString()}`,
  }),
  keyReadable: (path: string, mode: number): Finding => ({
    kind: 'key-readable',
    path,
    problem: `private key with mode ${mode.toString(8).padStart(4, '0')}: readable by users other than its owner.`,
    fix: `chmod 600 ${q(path)}`,
  }),
  loopback: (path: string, name: string): Finding => ({
    kind: 'loopback',
    path,
    problem: `${name} is a loopback registry: Docker treats ${CERTS_D.insecureByDefault} (and names that resolve there) as insecure and never reads this directory; its client certificates are never sent.`,
    fix: 'serve the registry on a non-loopback address or name to use certificates; for loopback only, this directory can go',
  }),
  ignoredFile: (path: string, why: string): Finding => ({
    kind: 'ignored-file',
    path,
    problem: `ignored by the engine: ${why}`,
    fix: 'rename it: CA certificates end in .crt, client certificates in .cert with their key in .key (same name), inside certs.d/<host[:port]>/',
  }),
};
