import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { MANIFEST_PATH } from '../../src/record/manifest.js';
import { statusOf } from '../../src/commands/status/worker.js';
import { removeFromContainer } from '../../src/undo/remove-container.js';
import { FakeClient, type FakeContainer } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { fakeDistro } from '../support/fake-distro.js';
import { generic } from '../../src/distro/families.js';
import { findStoreRuntime } from '../../src/app-stores/find.js';
import { distroAndCorpCas } from '../support/pki.js';

const VENV_CERTIFI = '/opt/venv/lib/python3.11/site-packages/certifi/cacert.pem';

describe('remove and status (fake engine)', () => {
  const cas = distroAndCorpCas();

  function setup(checkUrls: string[] = []) {
    const client = new FakeClient();
    const container = client.add(
      fakeDebian('c1', [cas.distro.pem], { curl: (bundle) => bundle.includes(cas.corp.pem) }),
    );
    const { certificates } = parseCertificates(Buffer.from(cas.corp.pem), 'cas.corp.pem');
    const installed = certificates.map((certificate) => ({ certificate, name: certificateName(certificate) }));
    const context: PatchContext = {
      client,
      certificates: installed,
      options: { checkUrls, install: 'auto', timeoutMs: 1000 },
    };
    return {
      client,
      container,
      context,
      fp: certificates[0]!.fingerprint,
      anchor: `${ANCHORS}/${installed[0]!.name}.crt`,
    };
  }

  it('add then remove: the anchor and the record are deleted, the bundle is byte-identical, a rerun is not-present', async () => {
    const { client, container, context, fp, anchor } = setup();
    const before = container.read(BUNDLE);
    assert.equal((await patchContainer(context, container.info)).status, 'patched');
    const record = JSON.parse(container.read(MANIFEST_PATH)!) as {
      entries: { fingerprint: string; bundles: { path: string }[] }[];
    };
    assert.deepEqual(
      record.entries.map((e) => [e.fingerprint, e.bundles.map((b) => b.path)]),
      [[fp, [BUNDLE]]],
      'the record names the bundle the update put it in',
    );
    const complete = await statusOf(client, container.info, ['system']);
    assert.equal(complete.status, 'complete', JSON.stringify(complete));

    const removed = await removeFromContainer(
      { client, target: { kind: 'fingerprint', label: fp.slice(0, 8), prefix: fp.slice(0, 8) } },
      container.info,
    );
    assert.equal(removed.status, 'removed', JSON.stringify(removed));
    assert.equal(container.read(BUNDLE), before);
    assert.equal(container.read(anchor), undefined);
    assert.equal(container.read(MANIFEST_PATH), undefined);
    assert.deepEqual(removed.counts, [{ path: BUNDLE, before: 2, after: 1 }]);
    const again = await removeFromContainer(
      { client, target: { kind: 'fingerprint', label: fp, prefix: fp } },
      container.info,
    );
    assert.equal(again.status, 'not-present');
    assert.equal((await statusOf(client, container.info, ['system'])).status, 'clean');
  });

  it('a removal whose update command fails is put back: anchor, bundle and record as before', async () => {
    const { client, container, context, anchor } = setup();
    await patchContainer(context, container.info);
    const [bundle, record] = [container.read(BUNDLE), container.read(MANIFEST_PATH)];
    const fake = container.handler;
    container.handler = (argv, self, o) =>
      argv[0] === '/usr/sbin/update-ca-certificates' && !self.files.has(anchor)
        ? { exitCode: 1, stderr: 'E: broken\n' }
        : fake(argv, self, o);
    const result = await removeFromContainer(
      { client, target: { kind: 'name', label: 'x', name: certificateName(context.certificates[0]!.certificate) } },
      container.info,
    );
    assert.equal(result.status, 'failed');
    assert.deepEqual(
      [
        result.status === 'failed' && result.rollback,
        container.read(anchor),
        container.read(BUNDLE),
        container.read(MANIFEST_PATH),
      ],
      ['done', cas.corp.pem, bundle, record],
    );
  });

  it('never removes a certificate it has no record of: left in place, and said so', async () => {
    const { client, container, fp } = setup();
    container.write(`${ANCHORS}/theirs.crt`, cas.corp.pem);
    await client.exec('c1', ['/usr/sbin/update-ca-certificates']);
    const bundle = container.read(BUNDLE);
    const result = await removeFromContainer(
      {
        client,
        target: { kind: 'certificates', label: 'cas.corp.pem', fingerprints: [fp], subjects: ['CN=Corp Root'] },
      },
      container.info,
    );
    assert.equal(result.status, 'not-present');
    assert.match(
      result.left.join('\n'),
      /holds CN=Corp Root, but trustpatch has no record of adding it: left in place/,
    );
    assert.equal(container.read(BUNDLE), bundle);
  });

  it('a failed patch puts a certifi file back byte for byte, like the bundles', async () => {
    const { container, context } = setup(['https://127.0.0.1:8443/']);
    const original = `${cas.distro.pem}`;
    withCertifi(container, original, { checkPasses: false });
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'failed', JSON.stringify(result));
    assert.match(result.status === 'failed' ? result.reason : '', /certifi store still fails/);
    assert.equal(result.status === 'failed' && result.rollback, 'done');
    assert.equal(container.read(VENV_CERTIFI), original);
    assert.equal(container.read(MANIFEST_PATH), undefined, 'no record of a patch that did not hold');
  });

  it('patches a certifi file its Python uses, records it, and remove cuts exactly that out', async () => {
    const { client, container, context, fp } = setup(['https://127.0.0.1:8443/']);
    withCertifi(container, cas.distro.pem, { checkPasses: true });
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'patched', JSON.stringify(result));
    assert.deepEqual(
      result.stores?.map((s) => [s.kind, s.path, s.action]),
      [['certifi', VENV_CERTIFI, 'added']],
    );
    assert.equal(container.read(VENV_CERTIFI), `${cas.distro.pem}# trustpatch ${fp}\n${cas.corp.pem}`);
    const removed = await removeFromContainer(
      { client, target: { kind: 'fingerprint', label: fp, prefix: fp } },
      container.info,
    );
    assert.deepEqual(removed.removed[0]!.certifi, [VENV_CERTIFI]);
    assert.equal(container.read(VENV_CERTIFI), cas.distro.pem);
  });

  it('without a Python or Java on PATH or in the program directories, add does not search the filesystem unless --stores names the stores', async () => {
    const { container, context } = setup(['https://127.0.0.1:8443/']);
    withCertifi(container, cas.distro.pem, { checkPasses: true, onPath: false });
    const ran: string[] = [];
    const fake = container.handler;
    container.handler = (argv, self, o) => {
      ran.push(argv[0]!);
      return fake(argv, self, o);
    };
    const quiet = await patchContainer(context, container.info);
    assert.equal(quiet.status, 'patched', JSON.stringify(quiet));
    assert.deepEqual(
      [ran.includes('/usr/bin/find'), quiet.stores, container.read(VENV_CERTIFI)],
      [false, [], cas.distro.pem],
    );

    const { container: named, context: namedContext } = setup(['https://127.0.0.1:8443/']);
    withCertifi(named, cas.distro.pem, { checkPasses: true, onPath: false });
    const asked = await patchContainer(
      { ...namedContext, options: { ...namedContext.options, stores: ['system', 'certifi'] } },
      named.info,
    );
    assert.deepEqual(
      asked.stores?.map((s) => [s.kind, s.path, s.action]),
      [['certifi', VENV_CERTIFI, 'added']],
    );
  });

  it("finds the Python through the container's PATH, and through $JAVA_HOME/bin a Java", async () => {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', [cas.distro.pem]));
    container.info.env = ['PATH=/opt/venv/bin:/usr/bin'];
    assert.equal(await findStoreRuntime(client, 'c1', container.info.env), undefined);
    container.write('/opt/venv/bin/python', 'ELF');
    assert.equal(await findStoreRuntime(client, 'c1', container.info.env), '/opt/venv/bin/python');
    const java = client.add(fakeDebian('c2', [cas.distro.pem]));
    java.write('/opt/jre/bin/java', 'ELF');
    assert.equal(await findStoreRuntime(client, 'c2', ['JAVA_HOME=/opt/jre']), '/opt/jre/bin/java');
    assert.equal(
      await findStoreRuntime(client, 'c2', ['JAVA_HOME=opt/jre']),
      undefined,
      'a relative JAVA_HOME is not looked in',
    );
  });

  it('a bundle trustpatch created (BusyBox, none at all) is deleted again by remove', async () => {
    const client = new FakeClient();
    const container = client.add(fakeDistro('bb', generic, { bundle: false }));
    const { certificates } = parseCertificates(Buffer.from(cas.corp.pem), 'cas.corp.pem');
    const context: PatchContext = {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: 'corp' })),
      options: { checkUrls: [], install: 'auto', timeoutMs: 1000 },
    };
    const added = await patchContainer(context, container.info);
    assert.equal(added.status, 'patched', JSON.stringify(added));
    assert.equal(container.read(BUNDLE), cas.corp.pem, 'created, holding only the CA');
    const removed = await removeFromContainer(
      { client, target: { kind: 'name', label: 'corp', name: 'corp' } },
      container.info,
    );
    assert.equal(removed.status, 'removed', JSON.stringify(removed));
    assert.equal(container.read(BUNDLE), undefined, 'the bundle it created is gone again');
  });
});

/** A virtualenv whose certifi.where() is its own cacert.pem, found by find, checked by its Python. */
/** A virtualenv in /opt/venv whose bin directory is on the container's PATH, as Python images set it up. */
function withCertifi(
  container: FakeContainer,
  content: string,
  options: { checkPasses: boolean; onPath?: boolean },
): void {
  container.write(VENV_CERTIFI, content).write('/usr/bin/find', 'ELF').write('/opt/venv/bin/python3.11', 'ELF');
  if (options.onPath !== false) {
    container.write('/opt/venv/bin/python3', 'ELF');
    container.info.env = ['PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin'];
  }
  const fake = container.handler;
  container.handler = (argv, self, o) => {
    if (argv[0] === '/usr/bin/find') return { exitCode: 0, stdout: `${VENV_CERTIFI}\n` };
    if (argv[0] === '/opt/venv/bin/python3.11' && argv[2]?.includes('where()'))
      return { exitCode: 0, stdout: `${VENV_CERTIFI}\n` };
    if (argv[0] === '/opt/venv/bin/python3.11')
      return options.checkPasses
        ? { exitCode: 0 }
        : { exitCode: 1, stderr: 'SSLCertVerificationError: certificate verify failed\n' };
    return fake(argv, self, o);
  };
}
