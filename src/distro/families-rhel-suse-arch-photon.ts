import type { Family } from './family.js';

/**
 * RHEL, CentOS, Fedora, Rocky, AlmaLinux, Oracle Linux, Amazon Linux. update-ca-trust(8):
 * "Copy it to the /etc/pki/ca-trust/source/anchors/ subdirectory, and run the update-ca-trust
 * command"; /etc/pki/tls/certs/ca-bundle.crt is a legacy link to the extracted PEM bundle.
 * dnf (EL8+, Fedora, AL2023), microdnf (UBI minimal), yum (EL7, Amazon Linux 2).
 */
export const rhel: Family = {
  id: 'rhel',
  osIds: ['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'amzn'],
  markers: ['/etc/redhat-release', '/etc/centos-release', '/etc/fedora-release'],
  anchorDir: '/etc/pki/ca-trust/source/anchors',
  anchorExtension: '.crt',
  updateCommands: [['/usr/bin/update-ca-trust', 'extract']],
  installers: [
    { manager: '/usr/bin/dnf', commands: [['/usr/bin/dnf', '-y', 'install', 'ca-certificates']], env: [] },
    { manager: '/usr/bin/microdnf', commands: [['/usr/bin/microdnf', 'install', '-y', 'ca-certificates']], env: [] },
    { manager: '/usr/bin/yum', commands: [['/usr/bin/yum', '-y', 'install', 'ca-certificates']], env: [] },
  ],
  packages: ['ca-certificates'],
  // curl reads ca-bundle.crt (Fedora's curl.spec: --with-ca-bundle); OpenSSL, and so Python and
  // Ruby, read cert.pem (OPENSSLDIR is /etc/pki/tls). Both are links to the first on a system
  // with ca-certificates (ca-certificates.spec, %install); on micro images none of them exists.
  bundles: [
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    '/etc/pki/tls/certs/ca-bundle.crt',
    '/etc/pki/tls/cert.pem',
  ],
  bundlesWhenNone: [
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    '/etc/pki/tls/certs/ca-bundle.crt',
    '/etc/pki/tls/cert.pem',
  ],
  source:
    'https://www.mankier.com/8/update-ca-trust; https://src.fedoraproject.org/rpms/ca-certificates (ca-certificates.spec, README.etc)',
};

/**
 * openSUSE and SLES: SUSE's own p11-kit based update-ca-certificates reads
 * /etc/pki/trust/anchors and writes /etc/ssl/ca-bundle.pem (a link to
 * /var/lib/ca-certificates/ca-bundle.pem). Its certbundle.run hook skips the bundle when the
 * bundle is newer than the pem directory, and every write through the archive API (a seed, a
 * rollback's restore) makes it newer: --fresh, as the package's own %posttrans runs it
 * (github.com/openSUSE/ca-certificates, ca-certificates.spec and certbundle.run).
 */
export const suse: Family = {
  id: 'suse',
  osIds: ['opensuse', 'opensuse-leap', 'opensuse-tumbleweed', 'sles', 'sled', 'sle-micro', 'suse'],
  markers: ['/etc/SUSE-brand', '/etc/SuSE-release'],
  anchorDir: '/etc/pki/trust/anchors',
  anchorExtension: '.crt',
  updateCommands: [['/usr/sbin/update-ca-certificates', '--fresh']],
  installers: [
    {
      manager: '/usr/bin/zypper',
      commands: [['/usr/bin/zypper', '--non-interactive', 'install', '--no-recommends', 'ca-certificates']],
      env: [],
    },
  ],
  packages: ['ca-certificates'],
  bundles: ['/etc/ssl/ca-bundle.pem'],
  source: 'https://github.com/openSUSE/ca-certificates (README); update-ca-certificates(8) on SUSE',
};

/**
 * Arch Linux: anchors in /etc/ca-certificates/trust-source/anchors, then update-ca-trust
 * (older releases: `trust extract-compat`); /etc/ssl/certs/ca-certificates.crt links to
 * /etc/ca-certificates/extracted/tls-ca-bundle.pem.
 */
export const arch: Family = {
  id: 'arch',
  osIds: ['arch', 'archarm'],
  markers: ['/etc/arch-release'],
  anchorDir: '/etc/ca-certificates/trust-source/anchors',
  anchorExtension: '.crt',
  updateCommands: [['/usr/bin/update-ca-trust'], ['/usr/bin/trust', 'extract-compat']],
  installers: [
    {
      manager: '/usr/bin/pacman',
      commands: [['/usr/bin/pacman', '-Sy', '--noconfirm', '--needed', 'ca-certificates']],
      env: [],
    },
  ],
  packages: ['ca-certificates'],
  bundles: ['/etc/ssl/certs/ca-certificates.crt'],
  source:
    'https://man.archlinux.org/man/update-ca-trust.8; https://wiki.archlinux.org/title/Transport_Layer_Security#Add_a_certificate_to_a_trust_store',
};

/**
 * VMware Photon OS: PEM files in /etc/ssl/certs; /usr/bin/rehash_ca_certificates.sh (shipped
 * with Photon's openssl package) rehashes that directory and concatenates its *.pem into
 * /etc/pki/tls/certs/ca-bundle.crt.
 */
export const photon: Family = {
  id: 'photon',
  osIds: ['photon'],
  markers: ['/etc/photon-release'],
  anchorDir: '/etc/ssl/certs',
  anchorExtension: '.pem',
  updateCommands: [['/usr/bin/rehash_ca_certificates.sh']],
  installers: [
    { manager: '/usr/bin/tdnf', commands: [['/usr/bin/tdnf', 'install', '-y', 'openssl', 'ca-certificates']], env: [] },
  ],
  packages: ['openssl', 'ca-certificates'],
  bundles: ['/etc/pki/tls/certs/ca-bundle.crt'],
  source: 'https://github.com/vmware/photon/blob/master/SPECS/openssl/rehash_ca_certificates.sh',
};
