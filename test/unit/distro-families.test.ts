import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { alpine, debian, generic } from '../../src/distro/families.js';
import { arch, photon, rhel, suse } from '../../src/distro/families-rhel-suse-arch-photon.js';
import type { Family } from '../../src/distro/family.js';
import { makePlan, planSummary } from '../../src/plan/plan.js';
import { surveyContainer } from '../../src/system-store/survey.js';
import type { CertificateToInstall, InstallMode, PlanSummary } from '../../src/types.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDistro, type FakeDistroOptions } from '../support/fake-distro.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

/**
 * RHEL, SUSE, Arch and Photon images cannot be pulled here: their records are checked by the
 * exact plan (paths and argv) that detection and probing produce on an in-memory container laid
 * out as each distribution documents it (sources cited in src/distro/families*.ts).
 */
describe('family records: the exact plan per distribution', () => {
  let ca: TestCa;
  let certificates: CertificateToInstall[];
  before(async () => {
    ca = await makeCa('Plan Root');
    certificates = parseCertificates(Buffer.from(ca.pem), 'ca.pem').certificates.map((certificate) => ({
      certificate,
      name: 'Plan_Root',
    }));
  });
  after(async () => removeCa(ca));

  async function plan(
    family: Family,
    options: FakeDistroOptions,
    mode: InstallMode = 'auto',
    extra: (files: Map<string, Buffer>) => void = () => {},
  ): Promise<PlanSummary> {
    const client = new FakeClient();
    const container = client.add(fakeDistro('c1', family, { distroPems: [], ...options }));
    extra(container.files);
    return planSummary(
      makePlan(await surveyContainer(client, { id: 'c1', imageId: '' }, { install: mode }), certificates, mode),
    );
  }

  it('Debian/Ubuntu: /usr/local/share/ca-certificates/*.crt, update-ca-certificates; apt-get when missing', async () => {
    // update-ca-certificates(8): "all certificates with a .crt extension found below /usr/local/share/ca-certificates".
    // With the update command there and nothing to install, the update rebuilds the bundle from
    // the anchors: trustpatch writes only the anchor.
    assert.deepEqual(
      await plan(debian, { osRelease: 'ID=ubuntu\nID_LIKE=debian\n', clients: { '/usr/bin/curl': () => true } }),
      {
        family: 'debian',
        files: ['/usr/local/share/ca-certificates/Plan_Root.crt'],
        commands: [['/usr/sbin/update-ca-certificates']],
        check: 'curl',
      },
    );
    // Before an install, the bundle is seeded first (created here: there was none).
    assert.deepEqual((await plan(debian, { osRelease: 'ID=debian\n', update: false, bundle: false })).files, [
      '/etc/ssl/certs/ca-certificates.crt',
      '/usr/local/share/ca-certificates/Plan_Root.crt',
    ]);
    assert.deepEqual((await plan(debian, { osRelease: 'ID=debian\n', update: false, bundle: false })).commands, [
      ['/usr/bin/apt-get', 'update', '-qq'],
      ['/usr/bin/apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'ca-certificates'],
      ['/usr/sbin/update-ca-certificates'],
    ]);
  });

  it('Alpine: one append for the bundle and its /etc/ssl/cert.pem link; apk add --no-cache when missing', async () => {
    const summary = await plan(alpine, {
      osRelease: 'ID=alpine\n',
      update: false,
      links: { '/etc/ssl/cert.pem': 'certs/ca-certificates.crt' },
      clients: { '/usr/bin/wget': () => true },
    });
    assert.deepEqual(summary, {
      family: 'alpine',
      files: ['/etc/ssl/certs/ca-certificates.crt', '/usr/local/share/ca-certificates/Plan_Root.crt'],
      commands: [['/sbin/apk', 'add', '--no-cache', 'ca-certificates'], ['/usr/sbin/update-ca-certificates']],
      check: 'wget (if it validates certificates)',
    });
  });

  it('RHEL family: /etc/pki/ca-trust/source/anchors, update-ca-trust extract; dnf, microdnf or yum', async () => {
    // update-ca-trust(8) and Fedora's README: copy to /etc/pki/ca-trust/source/anchors/, run update-ca-trust.
    const links = {
      '/etc/pki/tls/certs/ca-bundle.crt': '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      '/etc/pki/tls/cert.pem': '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    };
    assert.deepEqual(await plan(rhel, { osRelease: 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', links }), {
      family: 'rhel',
      files: ['/etc/pki/ca-trust/source/anchors/Plan_Root.crt'],
      commands: [['/usr/bin/update-ca-trust', 'extract']],
      check: null,
    });
    // Before dnf runs, the bundle is seeded at its real path (the legacy name is a link to it).
    assert.deepEqual((await plan(rhel, { osRelease: 'ID=fedora\n', update: false, links })).files, [
      '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      '/etc/pki/ca-trust/source/anchors/Plan_Root.crt',
    ]);
    assert.deepEqual((await plan(rhel, { osRelease: 'ID=fedora\n', update: false, links })).commands, [
      ['/usr/bin/dnf', '-y', 'install', 'ca-certificates'],
      ['/usr/bin/update-ca-trust', 'extract'],
    ]);
    const ubiMinimal = await plan(
      rhel,
      { osRelease: 'ID="rhel"\n', update: false, packageManager: false, links },
      'auto',
      (files) => files.set('/usr/bin/microdnf', Buffer.from('ELF')),
    );
    assert.deepEqual(ubiMinimal.commands, [
      ['/usr/bin/microdnf', 'install', '-y', 'ca-certificates'],
      ['/usr/bin/update-ca-trust', 'extract'],
    ]);
    const amazon2 = await plan(
      rhel,
      { osRelease: 'ID="amzn"\nVERSION_ID="2"\n', update: false, packageManager: false, links },
      'auto',
      (files) => files.set('/usr/bin/yum', Buffer.from('ELF')),
    );
    assert.deepEqual(amazon2.commands, [
      ['/usr/bin/yum', '-y', 'install', 'ca-certificates'],
      ['/usr/bin/update-ca-trust', 'extract'],
    ]);
  });

  it('RHEL micro images (no ca-certificates, no package manager, no bundle): a bundle at each path RHEL clients read, and the anchor', async () => {
    // Found on an assembled AlmaLinux micro image: only tls-ca-bundle.pem was created, which
    // neither curl (ca-bundle.crt) nor OpenSSL (cert.pem) reads.
    const micro = await plan(rhel, {
      osRelease: 'ID="almalinux"\nID_LIKE="rhel centos fedora"\n',
      update: false,
      packageManager: false,
      bundle: false,
    });
    assert.deepEqual(micro, {
      family: 'rhel',
      files: [
        '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
        '/etc/pki/tls/certs/ca-bundle.crt',
        '/etc/pki/tls/cert.pem',
        '/etc/pki/ca-trust/source/anchors/Plan_Root.crt',
      ],
      commands: [],
      check: null,
    });
    // The generic family still creates only the first of its bundles.
    assert.deepEqual((await plan(generic, { bundle: false, shell: false, rm: false })).files, [
      '/etc/ssl/certs/ca-certificates.crt',
    ]);
  });

  it('SUSE: /etc/pki/trust/anchors, update-ca-certificates, zypper; /etc/ssl/ca-bundle.pem written at its real path', async () => {
    const summary = await plan(suse, {
      osRelease: 'ID="opensuse-leap"\nID_LIKE="suse opensuse"\n',
      update: false,
      links: { '/etc/ssl/ca-bundle.pem': '../../var/lib/ca-certificates/ca-bundle.pem' },
      bundleAt: '/var/lib/ca-certificates/ca-bundle.pem',
    });
    assert.deepEqual(summary, {
      family: 'suse',
      files: ['/var/lib/ca-certificates/ca-bundle.pem', '/etc/pki/trust/anchors/Plan_Root.crt'],
      commands: [
        ['/usr/bin/zypper', '--non-interactive', 'install', '--no-recommends', 'ca-certificates'],
        ['/usr/sbin/update-ca-certificates', '--fresh'],
      ],
      check: null,
    });
  });

  it('Arch: /etc/ca-certificates/trust-source/anchors, update-ca-trust, else trust extract-compat; pacman', async () => {
    const links = { '/etc/ssl/certs/ca-certificates.crt': '../../ca-certificates/extracted/tls-ca-bundle.pem' };
    const bundleAt = '/etc/ca-certificates/extracted/tls-ca-bundle.pem';
    assert.deepEqual(await plan(arch, { osRelease: 'ID=arch\n', links, bundleAt }), {
      family: 'arch',
      files: ['/etc/ca-certificates/trust-source/anchors/Plan_Root.crt'],
      commands: [['/usr/bin/update-ca-trust']],
      check: null,
    });
    const older = await plan(arch, { osRelease: 'ID=arch\n', update: false, links, bundleAt }, 'never', (files) =>
      files.set('/usr/bin/trust', Buffer.from('ELF')),
    );
    assert.deepEqual(older.commands, [['/usr/bin/trust', 'extract-compat']]);
    const none = await plan(arch, { osRelease: 'ID=arch\n', update: false, links, bundleAt });
    assert.deepEqual(
      none.files,
      [bundleAt, '/etc/ca-certificates/trust-source/anchors/Plan_Root.crt'],
      'seeded at the real path before pacman runs',
    );
    assert.deepEqual(none.commands, [
      ['/usr/bin/pacman', '-Sy', '--noconfirm', '--needed', 'ca-certificates'],
      ['/usr/bin/update-ca-trust'],
    ]);
  });

  it('Photon: a .pem in /etc/ssl/certs, rehash_ca_certificates.sh rebuilds /etc/pki/tls/certs/ca-bundle.crt; tdnf', async () => {
    // vmware/photon SPECS/openssl/rehash_ca_certificates.sh: `cat /etc/ssl/certs/*.pem > /etc/pki/tls/certs/ca-bundle.crt`.
    assert.deepEqual(await plan(photon, { osRelease: 'NAME="VMware Photon OS"\nID=photon\n', update: false }), {
      family: 'photon',
      files: ['/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/certs/Plan_Root.pem'],
      commands: [
        ['/usr/bin/tdnf', 'install', '-y', 'openssl', 'ca-certificates'],
        ['/usr/bin/rehash_ca_certificates.sh'],
      ],
      check: null,
    });
  });

  it('generic (BusyBox, distroless, unknown): no anchor, no command; the bundle that exists, or a new one', async () => {
    assert.deepEqual(await plan(generic, { bundle: false }), {
      family: 'generic',
      files: ['/etc/ssl/certs/ca-certificates.crt'],
      commands: [],
      check: null,
    });
    const distroless = await plan(generic, { osRelease: 'ID=unknownos\n', bundle: false }, 'auto', (files) =>
      files.set('/etc/pki/tls/certs/ca-bundle.crt', Buffer.from(ca.pem.replace('CERTIFICATE', 'X'))),
    );
    assert.deepEqual(distroless.files, ['/etc/pki/tls/certs/ca-bundle.crt']);
  });

  it('never plans an install with --install never, and always plans one with --install always', async () => {
    assert.deepEqual((await plan(debian, { osRelease: 'ID=debian\n', update: false }, 'never')).commands, []);
    assert.deepEqual(
      (await plan(debian, { osRelease: 'ID=debian\n' }, 'always')).commands.map((argv) => argv.at(-1)),
      ['-qq', 'ca-certificates', '/usr/sbin/update-ca-certificates'],
    );
  });
});
