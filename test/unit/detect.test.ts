import assert from 'node:assert/strict';
import { familyFor, parseOsRelease, readOsRelease } from '../../src/distro/detect.js';
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
