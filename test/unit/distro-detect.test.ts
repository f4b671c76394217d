import assert from 'node:assert/strict';
import { detectFamily, familyFor, parseOsRelease, readOsRelease } from '../../src/distro/detect.js';
import { FakeClient, FakeContainer } from '../support/fake-client.js';

describe('distribution detection', () => {
  it('parses quoted and unquoted os-release values', () => {
    const release = parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n');
    assert.equal(release.id, 'ubuntu');
    assert.deepEqual(release.idLike, ['debian']);
    assert.equal(release.prettyName, 'Ubuntu 24.04 LTS');
  });

  it('uses ID first, then ID_LIKE', () => {
    assert.equal(familyFor(parseOsRelease('ID=linuxmint\nID_LIKE="ubuntu debian"\n'))?.id, 'debian');
    assert.equal(familyFor(parseOsRelease('ID=debian\n'))?.id, 'debian');
    assert.equal(familyFor(parseOsRelease('ID=plan9\n')), undefined);
  });

  it('reads /usr/lib/os-release when /etc/os-release is missing, following links', async () => {
    const client = new FakeClient();
    const container = client.add(new FakeContainer('c1', 'one'));
    container.write('/usr/lib/os-release', 'ID=debian\n');
    assert.equal((await readOsRelease(client, 'c1'))?.id, 'debian');
    container.links.set('/etc/os-release', '../usr/lib/os-release');
    container.files.set('/usr/lib/os-release', Buffer.from('ID=ubuntu\n'));
    assert.equal((await readOsRelease(client, 'c1'))?.id, 'ubuntu');
  });
});

describe('family detection (ID, then ID_LIKE, then marker files)', () => {
  async function detect(files: Record<string, string>): Promise<string> {
    const client = new FakeClient();
    const container = client.add(new FakeContainer('c1', 'one'));
    for (const [path, content] of Object.entries(files)) container.write(path, content);
    const detection = await detectFamily(client, 'c1');
    return `${detection.family.id} (${detection.evidence})`;
  }

  it('maps each documented os-release ID to its family', async () => {
    const expected: Record<string, string> = {
      debian: 'debian',
      ubuntu: 'debian',
      alpine: 'alpine',
      wolfi: 'alpine',
      rhel: 'rhel',
      centos: 'rhel',
      fedora: 'rhel',
      rocky: 'rhel',
      almalinux: 'rhel',
      ol: 'rhel',
      amzn: 'rhel',
      'opensuse-leap': 'suse',
      'opensuse-tumbleweed': 'suse',
      sles: 'suse',
      arch: 'arch',
      photon: 'photon',
    };
    for (const [id, family] of Object.entries(expected)) {
      assert.equal(await detect({ '/etc/os-release': `ID="${id}"\n` }), `${family} (os-release ID=${id})`);
    }
  });

  it('falls back to ID_LIKE for derivatives it does not know by name', async () => {
    assert.equal(
      await detect({ '/etc/os-release': 'ID=pop\nID_LIKE="ubuntu debian"\n' }),
      'debian (os-release ID_LIKE=ubuntu debian)',
    );
    assert.equal(
      await detect({ '/etc/os-release': 'ID=nobara\nID_LIKE="rhel centos fedora"\n' }),
      'rhel (os-release ID_LIKE=rhel centos fedora)',
    );
    assert.equal(
      await detect({ '/etc/os-release': 'ID=opensuse-microos\nID_LIKE="suse opensuse opensuse-tumbleweed"\n' }),
      'suse (os-release ID_LIKE=suse opensuse opensuse-tumbleweed)',
    );
    assert.equal(await detect({ '/etc/os-release': 'ID=manjaro\nID_LIKE=arch\n' }), 'arch (os-release ID_LIKE=arch)');
  });

  it('uses marker files only without a known os-release, and never directories', async () => {
    assert.equal(await detect({ '/etc/debian_version': '12.7\n' }), 'debian (/etc/debian_version)');
    assert.equal(await detect({ '/etc/alpine-release': '3.20.3\n' }), 'alpine (/etc/alpine-release)');
    assert.equal(await detect({ '/etc/redhat-release': 'Rocky Linux release 9.4\n' }), 'rhel (/etc/redhat-release)');
    assert.equal(await detect({ '/etc/photon-release': 'VMware Photon OS 5.0\n' }), 'photon (/etc/photon-release)');
    // An Ubuntu with /etc/pki/ca-trust present is still Debian (smallstep/certificates#2320).
    assert.equal(
      await detect({ '/etc/os-release': 'ID=ubuntu\n', '/etc/pki/ca-trust/source/anchors/x.crt': 'x' }),
      'debian (os-release ID=ubuntu)',
    );
    assert.equal(await detect({ '/etc/pki/ca-trust/source/anchors/x.crt': 'x' }), 'generic (no os-release)');
  });

  it('gives BusyBox, distroless-like and unknown systems the generic family', async () => {
    assert.equal(await detect({ '/bin/busybox': 'ELF' }), 'generic (no os-release)');
    assert.equal(
      await detect({ '/etc/os-release': 'ID=plan9\n' }),
      'generic (os-release ID=plan9 (not a known family))',
    );
  });
});
