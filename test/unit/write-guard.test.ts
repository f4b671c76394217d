import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { certificateName } from '../../src/cert/name.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import type { ContainerResult } from '../../src/types.js';
import { landingPath } from '../../src/system-store/write-guard.js';
import { FakeClient, type FakeContainer } from '../support/fake-client.js';
import { ANCHORS, BUNDLE, fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

const reason = (result: ContainerResult) =>
  result.status === 'failed' ? result.reason : `not failed: ${result.status}`;

describe('links in the trust store: never a write outside it', () => {
  let distro: TestCa;
  let corp: TestCa;
  before(async () => {
    distro = await makeCa('Guard Distro Root');
    corp = await makeCa('Guard Corp Root');
  });
  after(async () => Promise.all([distro, corp].map(removeCa)));

  function setup(shape: (container: FakeContainer) => void) {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', [distro.pem]));
    shape(container);
    const { certificates } = parseCertificates(Buffer.from(corp.pem), 'corp.pem');
    const context: PatchContext = {
      client,
      certificates: certificates.map((certificate) => ({ certificate, name: certificateName(certificate) })),
      options: { checkUrls: [], install: 'auto', timeoutMs: 5_000 },
    };
    return { client, container, context };
  }

  it('the anchor directory linked to /tmp/elsewhere: refused before anything is written', async () => {
    const { container, context } = setup((c) => c.links.set(ANCHORS, '/tmp/elsewhere'));
    const result = await patchContainer(context, container.info);
    assert.match(
      reason(result),
      /^\/usr\/local\/share\/ca-certificates is a link to \/tmp\/elsewhere: Guard_Corp_Root-[0-9a-f]{8}\.crt would be written at \/tmp\/elsewhere\/.*, outside the trust store directories .*refusing to write there \(nothing was changed\)/,
    );
    assert.equal(result.status === 'failed' && result.rollback, 'not-needed');
    assert.deepEqual(container.writes, []);
    assert.deepEqual(
      container.execs.filter((argv) => argv[0] === '/usr/sbin/update-ca-certificates'),
      [],
    );
  });

  it('the bundle linked to /etc/passwd: refused, /etc/passwd untouched', async () => {
    const { container, context } = setup((c) => {
      c.files.delete(BUNDLE);
      c.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
      c.links.set(BUNDLE, '/etc/passwd');
    });
    const result = await patchContainer(context, container.info);
    assert.match(
      reason(result),
      /^the bundle \/etc\/ssl\/certs\/ca-certificates\.crt is a link to \/etc\/passwd, outside the trust store directories/,
    );
    assert.deepEqual(container.writes, []);
    assert.equal(container.read('/etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  });

  it('/etc/ssl/certs linked out of the trust store: refused', async () => {
    const { container, context } = setup((c) => {
      c.files.delete(BUNDLE);
      c.write('/opt/certs/ca-certificates.crt', distro.pem);
      c.links.set('/etc/ssl/certs', '/opt/certs');
    });
    const result = await patchContainer(context, container.info);
    assert.match(
      reason(result),
      /^\/etc\/ssl\/certs is a link to \/opt\/certs: the bundle \/etc\/ssl\/certs\/ca-certificates\.crt would be written at \/opt\/certs\/ca-certificates\.crt/,
    );
    assert.deepEqual(container.writes, []);
  });

  it('links that stay inside the trust store are followed, as the distributions ship them', async () => {
    const { container, context } = setup((c) => c.links.set(ANCHORS, '/etc/ssl/local-anchors'));
    // The fake's update reads the anchor directory by its own name: point it at the real one.
    const update = container.handler;
    container.handler = (argv, self, options) => {
      if (argv[0] === '/usr/sbin/update-ca-certificates') {
        const local = [...self.files]
          .filter(([path]) => path.startsWith('/etc/ssl/local-anchors/'))
          .map(([, bytes]) => bytes.toString('latin1'));
        self.write(BUNDLE, [distro.pem, ...local].join(''));
        return { exitCode: 0 };
      }
      return update(argv, self, options);
    };
    const result = await patchContainer(context, container.info);
    assert.equal(result.status, 'patched', reason(result));
    assert.ok(container.writes.some((path) => path.startsWith('/etc/ssl/local-anchors/Guard_Corp_Root-')));
  });

  it('a loop of links ends in a refusal, not a hang', async () => {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', []));
    container.links.set('/etc/ssl/a', '/etc/ssl/b');
    container.links.set('/etc/ssl/b', '/etc/ssl/a');
    await assert.rejects(landingPath(client, 'c1', '/etc/ssl/a/x/bundle.crt'), /too many levels of symbolic links/);
  });

  it('a link at the file itself is replaced by the engine, not followed: the landing is the link path', async () => {
    const client = new FakeClient();
    const container = client.add(fakeDebian('c1', []));
    container.links.set(`${ANCHORS}/corp.crt`, '/etc/passwd');
    assert.deepEqual(await landingPath(client, 'c1', `${ANCHORS}/corp.crt`), {
      path: `${ANCHORS}/corp.crt`,
      link: undefined,
    });
    await client.putFiles('c1', [{ path: `${ANCHORS}/corp.crt`, content: 'x' }]);
    assert.equal(container.read('/etc/passwd'), undefined, 'the fake behaves like the engine');
  });
});
