import type { Family } from './family.js';

/** Debian, Ubuntu and their derivatives. Source: update-ca-certificates(8), FIELD-NOTES.md. */
export const debian: Family = {
  id: 'debian',
  osIds: ['debian', 'ubuntu'],
  anchorDir: '/usr/local/share/ca-certificates',
  anchorExtension: '.crt',
  updateCommand: ['/usr/sbin/update-ca-certificates'],
  installCommands: [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'ca-certificates'],
  ],
  installEnv: ['DEBIAN_FRONTEND=noninteractive'],
  package: 'ca-certificates',
  bundles: ['/etc/ssl/certs/ca-certificates.crt'],
};

export const families: readonly Family[] = [debian];
