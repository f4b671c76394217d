import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { engineSocket } from '../support/engine.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { startSshEngine, type SshEngine } from '../support/ssh-engine.js';

describe('reaching the engine over ssh://', function () {
  this.timeout(300_000);
  let ca: TestCa;
  let site: LocalHttpsServer;
  let known: SshEngine;
  let unknown: SshEngine;
  let id = '';

  before(async () => {
    ca = await makeCa('SSH Site CA');
    site = await startHttpsServer(await makeServerCert(ca));
    known = await startSshEngine(engineSocket());
    unknown = await startSshEngine(engineSocket(), { knownHosts: false });
    id = await startContainer(testImage('debian-curl'));
  });
  after(async () => {
    if (id) await removeContainers([id]);
    await known?.close();
    await unknown?.close();
    await site?.close();
    if (ca) await removeCa(ca);
  });

  it('patches through ssh://USER@HOST:PORT with the key in ~/.ssh and the host in known_hosts', async () => {
    const result = await trustpatch(['add', ca.certPath, id, '--host', known.host, '--check-url', site.url], { env: { HOME: known.home, SSH_AUTH_SOCK: '' } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal((await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', site.url])).code, 0, 'curl inside trusts the site now');
    assert.ok(known.commands.length > 3, 'the requests went through ssh');
    assert.deepEqual([...new Set(known.commands)], ['docker system dial-stdio']);
  });

  it('refuses a host whose key is not in known_hosts: exit 3, nothing sent to the engine', async () => {
    const result = await trustpatch(['check', id, '--host', unknown.host, '--check-url', site.url], { env: { HOME: unknown.home, SSH_AUTH_SOCK: '' } });
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`no Docker engine answers at ${unknown.host.replace(/\./g, '\\.')} \\(host key SHA256:\\S+ of \\[127\\.0\\.0\\.1\\]:${unknown.port} is not in .*known_hosts\\)`));
    assert.deepEqual(unknown.commands, [], 'no command ran on a host that was not verified');
  });
});
