/**
 * The system trust stores of macOS and Windows as data (docs/development.md, code shape rule 3): the exact command
 * lines that add, remove and list, and how a listing names its certificates (by SHA-1, which
 * both tools use to pick one certificate). Built from the vendors' documentation and UNTESTED
 * on real macOS and Windows; the unit tests pin the argv and the parsing of sample output.
 */
export interface OsStore {
  id: 'macos' | 'windows';
  /** Adds `file` (PEM or DER) as a trusted root. */
  addArgv(file: string): string[];
  /** Removes the certificate with this SHA-1 (uppercase hex, no colons). */
  removeArgv(sha1: string): string[];
  /** Lists the store; parseListing reads its standard output. */
  listArgv(): string[];
  /** The SHA-1 of every certificate listed, uppercase hex without separators. */
  parseListing(stdout: string): string[];
  /** Where its record lives (trustpatch's own file: what host add put in, for an exact remove). */
  recordPath(env: NodeJS.ProcessEnv): string;
  /** How to get the privileges it needs. */
  privileges: string;
  source: string;
}

const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

/**
 * macOS: `security add-trusted-cert -d` trusts in the admin domain, `-r trustRoot` as a root,
 * `-k` into the System keychain; `find-certificate -a -Z` prints a `SHA-1 hash:` line per
 * certificate; `delete-certificate -Z` deletes by that hash (and its trust settings). Since
 * macOS 11 a trust change in the admin domain asks for an administrator's password even as root.
 */
export const MACOS: OsStore = {
  id: 'macos',
  addArgv: (file) => ['/usr/bin/security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, file],
  removeArgv: (sha1) => ['/usr/bin/security', 'delete-certificate', '-Z', sha1, SYSTEM_KEYCHAIN],
  listArgv: () => ['/usr/bin/security', 'find-certificate', '-a', '-Z', SYSTEM_KEYCHAIN],
  parseListing: (stdout) => hashes(stdout, /^\s*SHA-1 hash:\s*([0-9A-Fa-f]{40})\s*$/gm),
  recordPath: () => '/Library/Application Support/trustpatch/host.json',
  privileges: 'run it with sudo (macOS 11 and later also ask for an administrator password)',
  source:
    'security(1) man page, https://ss64.com/mac/security.html; https://developer.apple.com/documentation/security/certificate-key-and-trust-services',
};

/**
 * Windows: `certutil -addstore -f Root FILE` adds to the local machine's Trusted Root store
 * (-f: replace an existing copy), `-delstore Root SHA1` deletes by thumbprint (the CertId may
 * be a serial number or a SHA-1 hash), `-store Root` lists each certificate with a
 * `Cert Hash(sha1):` line (older releases print the hash as spaced byte pairs). The labels
 * are localized on non-English Windows: then nothing is recognized and trustpatch says so.
 */
export const WINDOWS: OsStore = {
  id: 'windows',
  addArgv: (file) => ['certutil', '-addstore', '-f', 'Root', file],
  removeArgv: (sha1) => ['certutil', '-delstore', 'Root', sha1],
  listArgv: () => ['certutil', '-store', 'Root'],
  parseListing: (stdout) => hashes(stdout, /^\s*Cert Hash\(sha1\):\s*((?:[0-9A-Fa-f]{2} ?){20})\s*$/gm),
  recordPath: (env) => `${env.ProgramData ?? 'C:\\ProgramData'}\\trustpatch\\host.json`,
  privileges: 'run it from an elevated (Administrator) prompt',
  source: 'https://learn.microsoft.com/windows-server/administration/windows-commands/certutil',
};

/** The store of this platform, or undefined (Linux and the rest take the family records). */
export function osStoreFor(platform: NodeJS.Platform): OsStore | undefined {
  return platform === 'darwin' ? MACOS : platform === 'win32' ? WINDOWS : undefined;
}

function hashes(stdout: string, pattern: RegExp): string[] {
  return [...stdout.replace(/\r\n/g, '\n').matchAll(pattern)].map((m) => m[1]!.replace(/ /g, '').toUpperCase());
}
