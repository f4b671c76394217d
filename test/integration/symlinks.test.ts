import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { snapshotStore, storeDifferences } from '../support/trust-store.js';
import { caFixture } from '../support/fixture.js';

const ANCHORS = '/usr/local/share/ca-certificates';
const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Links at the anchor or bundle path, in real containers. Links the distributions ship, or
 * that stay inside the trust store directories, are followed; a link that would carry a write
 * outside them (to /tmp, to /etc/passwd) is refused before anything is written.
 */
describe('links in the trust store (real fx.containers)', function () {
  const fx = caFixture('Symlink Root');
  this.timeout(300_000);
  const started: string[] = [];
  after(async () => {
    await removeContainers(started);
  });

  async function debian(shape: string): Promise<string> {
    const id = await startContainer(testImage('debian-curl'));
    started.push(id);
    const shaped = await execIn(id, ['sh', '-c', shape]);
    assert.equal(shaped.code, 0, shaped.stderr);
    return id;
  }

  async function refused(id: string, message: RegExp, outside: string[]): Promise<void> {
    const before = await snapshotStore(id);
    const sums = (await execIn(id, ['sh', '-c', `find ${outside.join(' ')} -type f | sort | xargs -r sha256sum`]))
      .stdout;
    const curl = async () => (await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code;
    const curlBefore = await curl();
    assert.notEqual(curlBefore, 0);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url, '--json']);
    assert.equal(result.code, 1);
    const row = JSON.parse(result.stdout).containers[0];
    assert.equal(row.status, 'failed');
    assert.match(row.error, message);
    assert.equal(row.rollback, 'not-needed');
    assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
    assert.equal(
      (await execIn(id, ['sh', '-c', `find ${outside.join(' ')} -type f | sort | xargs -r sha256sum`])).stdout,
      sums,
      `nothing written under ${outside.join(', ')}`,
    );
    assert.equal(await curl(), curlBefore, 'curl fails as it did before');
  }

  it('the anchor directory links to /tmp/elsewhere: refused, nothing written there', async () => {
    const id = await debian(`rm -rf ${ANCHORS} && mkdir /tmp/elsewhere && ln -s /tmp/elsewhere ${ANCHORS}`);
    await refused(
      id,
      /^\/usr\/local\/share\/ca-certificates is a link to \/tmp\/elsewhere: Symlink_Root-[0-9a-f]{8}\.crt would be written at \/tmp\/elsewhere\/.* outside the trust store directories/,
      ['/tmp/elsewhere'],
    );
    assert.equal((await execIn(id, ['ls', '-A', '/tmp/elsewhere'])).stdout, '');
  });

  it('the bundle links to /etc/passwd: refused, /etc/passwd byte-identical', async () => {
    const id = await debian(`cp ${BUNDLE} /root/bundle.crt && ln -sf /etc/passwd ${BUNDLE}`);
    await refused(
      id,
      /^the bundle \/etc\/ssl\/certs\/ca-certificates\.crt is a link to \/etc\/passwd, outside the trust store directories/,
      ['/etc/passwd', '/etc/shadow'],
    );
  });

  it('/etc/ssl/certs links out of the trust store: refused', async () => {
    const id = await debian('mv /etc/ssl/certs /opt/certs && ln -s /opt/certs /etc/ssl/certs');
    await refused(
      id,
      /^\/etc\/ssl\/certs is a link to \/opt\/certs: the bundle .* would be written at \/opt\/certs\/ca-certificates\.crt/,
      ['/opt/certs'],
    );
  });

  it('the anchor directory links inside the trust store: followed, as update-ca-certificates does (find -L)', async () => {
    const id = await debian(`rm -rf ${ANCHORS} && mkdir /etc/ssl/local-cas && ln -s /etc/ssl/local-cas ${ANCHORS}`);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match((await execIn(id, ['ls', '/etc/ssl/local-cas'])).stdout, /^Symlink_Root-[0-9a-f]{8}\.crt$/m);
    assert.equal((await execIn(id, ['readlink', ANCHORS])).stdout.trim(), '/etc/ssl/local-cas', 'still a link');
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', fx.server.url])).code, 0);
  });

  it("Alpine's own link (/etc/ssl/cert.pem -> certs/ca-certificates.crt): the real file is patched once, the link stays", async () => {
    const id = await startContainer(testImage('alpine'));
    started.push(id);
    const result = await trustpatch(['add', fx.ca.certPath, id, '--install', 'never', '--check-url', fx.server.url]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal((await execIn(id, ['readlink', '/etc/ssl/cert.pem'])).stdout.trim(), 'certs/ca-certificates.crt');
    const bundle = (await execIn(id, ['cat', BUNDLE])).stdout;
    assert.equal(bundle.split(fx.ca.pem.trim()).length - 1, 1, 'appended once, through the link or not');
  });
});
