import type { Family } from './family.js';
import { arch, photon, rhel, suse } from './families-rhel-suse-arch-photon.js';

/** Debian, Ubuntu and derivatives. Source: update-ca-certificates(8) (Debian's ca-certificates). */
export const debian: Family = {
  id: 'debian',
  osIds: ['debian', 'ubuntu'],
  markers: ['/etc/debian_version'],
  anchorDir: '/usr/local/share/ca-certificates',
  anchorExtension: '.crt',
  updateCommands: [['/usr/sbin/update-ca-certificates']],
  installers: [
    {
      manager: '/usr/bin/apt-get',
      commands: [
        ['/usr/bin/apt-get', 'update', '-qq'],
        ['/usr/bin/apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'ca-certificates'],
      ],
      env: ['DEBIAN_FRONTEND=noninteractive'],
    },
  ],
  packages: ['ca-certificates'],
  bundles: ['/etc/ssl/certs/ca-certificates.crt'],
  // update-ca-certificates reads its configuration, the packaged and local certificates and
  // /etc/ssl/certs, writes only /etc/ssl/certs (links, `openssl rehash`, the bundle through a
  // temporary file there) and then runs the hooks (ca-certificates 20230311, the script itself).
  replication: {
    inputs: ['/etc/ca-certificates.conf', '/usr/share/ca-certificates', '/etc/ca-certificates/update.d'],
    hooks: '/etc/ca-certificates/update.d',
  },
  source: 'https://manpages.debian.org/bookworm/ca-certificates/update-ca-certificates.8.en.html',
};

/**
 * Alpine and Wolfi. Base images ship only ca-certificates-bundle (the bundle, no update
 * command); /etc/ssl/cert.pem links to the bundle (checked on the 3.20 minirootfs). Wolfi is
 * merged-/usr, hence the /usr/bin alternatives.
 */
export const alpine: Family = {
  id: 'alpine',
  osIds: ['alpine', 'wolfi'],
  markers: ['/etc/alpine-release'],
  anchorDir: '/usr/local/share/ca-certificates',
  anchorExtension: '.crt',
  updateCommands: [['/usr/sbin/update-ca-certificates'], ['/usr/bin/update-ca-certificates']],
  installers: [
    { manager: '/sbin/apk', commands: [['/sbin/apk', 'add', '--no-cache', 'ca-certificates']], env: [] },
    { manager: '/usr/bin/apk', commands: [['/usr/bin/apk', 'add', '--no-cache', 'ca-certificates']], env: [] },
  ],
  packages: ['ca-certificates'],
  bundles: ['/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/cert.pem'],
  source:
    'https://gitlab.alpinelinux.org/alpine/ca-certificates (update-ca-certificates.c); https://github.com/alpinelinux/docker-alpine/issues/446',
};

/**
 * BusyBox, distroless and anything unknown: no anchor directory, no update command, no
 * package. Whatever PEM bundle exists is patched through the archive API; with none,
 * /etc/ssl/certs/ca-certificates.crt is created, the first file Go's crypto/x509 looks for
 * (src/crypto/x509/root_linux.go) and OpenSSL's default on Debian-built binaries.
 */
export const generic: Family = {
  id: 'generic',
  osIds: [],
  markers: [],
  anchorDir: undefined,
  anchorExtension: '.crt',
  updateCommands: [],
  installers: [],
  packages: [],
  bundles: [
    '/etc/ssl/certs/ca-certificates.crt',
    '/etc/pki/tls/certs/ca-bundle.crt',
    '/etc/ssl/ca-bundle.pem',
    '/etc/pki/tls/cacert.pem',
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    '/etc/ssl/cert.pem',
  ],
  source: 'https://go.dev/src/crypto/x509/root_linux.go',
};

/** Every family with an os-release identity, in detection order; `generic` is the fallback. */
export const families: readonly Family[] = [debian, alpine, rhel, suse, arch, photon];
