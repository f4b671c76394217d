/** Directories trust stores live in: nothing is ever written outside them. */
export const TRUST_DIRS = [
  '/etc/ssl/',
  '/etc/pki/',
  '/etc/ca-certificates/',
  '/var/lib/ca-certificates/',
  '/usr/local/share/ca-certificates/',
  '/usr/share/ca-certificates/',
  '/usr/lib/ssl/',
];

export function inTrustDir(path: string): boolean {
  return TRUST_DIRS.some((dir) => path.startsWith(dir)) && !path.split('/').includes('..');
}
