import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, SESSION_ID, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeKey, makeServerCert, openssl, removeCa, type TestCa } from '../support/pki.js';
import { fileBytes, snapshotStore, storeDifferences } from '../support/trust-store.js';

/** A CN that is a shell command, a line break, a path climbing to /etc/passwd, and a snowman. */
const HOSTILE_CN = '$(touch /tmp/pwned)\n../../etc/passwd ☃';
const HOSTILE_LABEL = '$(touch /tmp/pwned); `touch /tmp/pwned` \'x" \n ☃ ../..';

/**
 * Hostile names reach real containers: a certificate subject and a selector label made of shell
 * metacharacters, a line break, a path traversal and non-ASCII text. Nothing may run them (every
 * command is an argv array, never a shell string) and the file may land only in the anchor
 * directory, under a name made of [A-Za-z0-9._-].
 */
describe('hostile input: names, labels and subjects with shell metacharacters', function () {
  this.timeout(300_000);
  let ca: TestCa;
  let server: LocalHttpsServer;
  let id = '';

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trustpatch-hostile-'));
    const keyPath = join(dir, 'ca.key');
    const certPath = join(dir, 'ca.crt');
    await makeKey(keyPath);
    // openssl's -subj takes '/' as a separator: escaped, it stays inside the CN.
    const subject = `/CN=${HOSTILE_CN.replace(/\//g, '\\/')}/O=trustpatch tests`;
    await openssl([
      'req',
      '-x509',
      '-new',
      '-utf8',
      '-key',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    ca = { dir, certPath, keyPath, pem: await readFile(certPath, 'utf8') };
    server = await startHttpsServer(await makeServerCert(ca));
    id = await startContainer(testImage('debian-curl'), {
      name: `tp-hostile_.name-${SESSION_ID}`,
      labels: { 'trustpatch.hostile': HOSTILE_LABEL },
    });
  });
  after(async () => {
    await removeContainers([id].filter(Boolean));
    await server?.close();
    if (ca) await removeCa(ca);
  });

  it('selected by the hostile label, patched; nothing ran, one plainly named file in the anchor directory', async () => {
    const hostPwned = existsSync('/tmp/pwned');
    const passwd = (await execIn(id, ['sha256sum', '/etc/passwd'])).stdout;
    const anchorsBefore = (await execIn(id, ['ls', '-A', '/usr/local/share/ca-certificates'])).stdout
      .split('\n')
      .filter(Boolean);
    const result = await trustpatch([
      'add',
      ca.certPath,
      '--label',
      `trustpatch.hostile=${HOSTILE_LABEL}`,
      '--check-url',
      server.url,
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 patched, 0 already trusted, 0 skipped, 0 failed/);
    assert.equal((await execIn(id, ['test', '-e', '/tmp/pwned'])).code, 1, 'no /tmp/pwned in the container');
    assert.equal(existsSync('/tmp/pwned'), hostPwned, 'none on the host either');
    assert.equal((await execIn(id, ['sha256sum', '/etc/passwd'])).stdout, passwd, '/etc/passwd untouched');
    const added = (await execIn(id, ['ls', '-A', '/usr/local/share/ca-certificates'])).stdout
      .split('\n')
      .filter((name) => name !== '' && !anchorsBefore.includes(name));
    assert.equal(added.length, 1, added.join(' '));
    assert.match(added[0]!, /^touch_tmp_pwned_0A\.\._\.\._etc_passwd-[0-9a-f]{8}\.crt$/);
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', server.url])).code, 0);
    // The subject is shown on one line, its line break escaped by node's X509Certificate.
    const line = result.stdout.split('\n').find((l) => l.startsWith('certificate: '));
    assert.match(
      line ?? '',
      /^certificate: \$\(touch \/tmp\/pwned\)\\0A\.\.\/\.\.\/etc\/passwd ☃ \(SHA-256 [0-9A-F:]+\) as touch_tmp_pwned/,
    );
  });

  it('a --name that tries to climb out of the anchor directory is refused before anything is touched', async () => {
    const before = await snapshotStore(id);
    const passwd = await fileBytes(id, '/etc/passwd');
    for (const name of ['../../etc/passwd', '/etc/passwd', 'a/b', '..', '$(id)']) {
      const result = await trustpatch(['add', ca.certPath, id, '--name', name, '--no-check']);
      assert.equal(result.code, 2, `${name}: ${result.stderr}`);
      assert.match(result.stderr, /--name .*: use only letters, digits, '\.', '_' and '-'/);
    }
    // Nothing was touched: every entry of the trust store (/etc/ssl, the anchor directory) and /etc/passwd as before.
    assert.deepEqual(storeDifferences(before, await snapshotStore(id)), []);
    assert.ok((await fileBytes(id, '/etc/passwd'))!.equals(passwd!), '/etc/passwd untouched');
  });
});
