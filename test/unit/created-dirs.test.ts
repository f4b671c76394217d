import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import { alpine } from '../../src/distro/families.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { MANIFEST_PATH } from '../../src/record/manifest.js';
import { removeFromContainer } from '../../src/undo/remove-container.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDistro } from '../support/fake-distro.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

const CREATED = ['/usr/local/share/ca-certificates', '/usr/local/share', '/usr/local', '/var/lib'];

describe('directories add creates are recorded and removed again (a minimal rootfs, fake engine)', () => {
  let cas: TestCa[] = [];

  before(async () => {
    cas = await Promise.all(['Distro Root', 'First Corp Root', 'Second Corp Root'].map((name) => makeCa(name)));
  });
  after(async () => Promise.all(cas.map(removeCa)));

  function install(pem: string) {
    return parseCertificates(Buffer.from(pem), 'ca.pem').certificates.map((certificate) => ({
      certificate,
      name: certificateName(certificate),
    }));
  }

  it('recorded by the first add only, handed to the entry that remains, rmdir-ed deepest first with the last removal', async () => {
    const [distro, first, second] = cas as [TestCa, TestCa, TestCa];
    const client = new FakeClient();
    // An Alpine minirootfs: a bundle, no update command, no /usr/local/share/ca-certificates, no /var/lib.
    const container = client.add(
      fakeDistro('a1', alpine, {
        osRelease: 'ID=alpine\n',
        distroPems: [distro.pem],
        update: false,
        packageManager: false,
      }),
    );
    container.write('/bin/rmdir', 'ELF').write('/usr/bin/env', 'ELF').write('/var/log/messages', '');
    const rmdirs: (readonly string[])[] = [];
    const handler = container.handler;
    container.handler = (argv, self, options) => {
      if (argv[0] !== '/bin/rmdir') return handler(argv, self, options);
      rmdirs.push(argv.slice(1));
      return { exitCode: 0 };
    };
    const add = (pem: string) =>
      patchContainer(
        {
          client,
          certificates: install(pem),
          options: { checkUrls: [], install: 'never', timeoutMs: 1000 },
        } satisfies PatchContext,
        container.info,
      );
    const dirsInRecord = () =>
      (JSON.parse(container.read(MANIFEST_PATH)!) as { entries: { createdDirs?: string[] }[] }).entries.map(
        (e) => e.createdDirs,
      );
    const remove = (pem: string) =>
      removeFromContainer(
        { client, target: { kind: 'name', label: 'x', name: install(pem)[0]!.name } },
        container.info,
      );

    assert.equal((await add(first.pem)).status, 'patched');
    assert.deepEqual(dirsInRecord(), [CREATED]);
    assert.equal((await add(second.pem)).status, 'patched');
    assert.deepEqual(dirsInRecord(), [CREATED, undefined], 'the directories existed for the second add');

    assert.equal((await remove(first.pem)).status, 'removed');
    assert.deepEqual(rmdirs, [], 'the second certificate still lives there');
    assert.deepEqual(dirsInRecord(), [CREATED], 'the remaining entry keeps them');

    const last = await remove(second.pem);
    assert.equal(last.status, 'removed');
    assert.deepEqual(rmdirs, [['--', ...CREATED]]);
    assert.deepEqual(last.left, []);
  });
});
