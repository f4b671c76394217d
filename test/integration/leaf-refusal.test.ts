import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { trustpatch } from '../support/cli.js';
import { execIn, testImage } from '../support/containers.js';
import { makeServerCert } from '../support/pki.js';
import { caFixture } from '../support/fixture.js';

/** The trust store as a user would compare it: the bundle's hash and the anchor directory's listing. */
async function storeState(id: string): Promise<string> {
  const bundle = await execIn(id, ['cat', '/etc/ssl/certs/ca-certificates.crt']);
  const anchors = await execIn(id, ['ls', '-la', '/usr/local/share/ca-certificates']);
  return `${createHash('sha256').update(bundle.stdout).digest('hex')}\n${anchors.stdout}`;
}

describe('a server certificate given instead of its CA (real container)', function () {
  const fx = caFixture('Leaf Test Root CA', { server: false });
  let leafPath: string;

  before(async () => {
    leafPath = (await makeServerCert(fx.ca, 'leaf.test')).certPath;
  });

  it('is refused before anything changes, with the next step; --allow-leaf installs it, warning first', async () => {
    const id = await fx.start(testImage('debian-curl'));
    const before = await storeState(id);
    const refused = await trustpatch(['add', leafPath, id, '--no-check']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /"leaf\.test" is neither a CA certificate .* give the CA that issued it instead \(issuer: CN=Leaf Test Root CA.*--allow-leaf/,
    );
    assert.equal(refused.stdout, '');
    assert.equal(await storeState(id), before, 'the trust store is as it was');

    const allowed = await trustpatch(['add', leafPath, id, '--no-check', '--allow-leaf']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    const warning = allowed.stderr.search(
      /^warning: .*"leaf\.test" is neither a CA certificate .*accepted: --allow-leaf/m,
    );
    const progress = allowed.stderr.search(/^\[1\/1\] /m);
    assert.ok(
      warning >= 0 && progress > warning,
      `the warning comes before the first container's progress:\n${allowed.stderr}`,
    );
    assert.notEqual(await storeState(id), before);
  });
});
