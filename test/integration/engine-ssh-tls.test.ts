import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustpatch } from '../support/cli.js';
import {
  execIn,
  removeContainers,
  SESSION_ID,
  SESSION_LABEL,
  startContainer,
  testImage,
} from '../support/containers.js';
import { dockerWithConfig } from '../support/engine.js';
import { makeDockerCertDir } from '../support/engine-servers.js';
import { reachableFromEngine } from '../support/engine-netns.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { Sshd } from '../support/sshd.js';
import { startTlsEngine, type TlsEngine } from '../support/tls-engine.js';
import { DEBIAN_STORE, snapshotStore, storeDifferences, type StoreSnapshot } from '../support/trust-store.js';

interface Row {
  id: string;
  engine: string;
  status: string;
}
const report = (stdout: string) => JSON.parse(stdout) as { engines: string[]; containers: Row[] };

/**
 * One trustpatch run over two engines on "other machines" at once, each reached the way users
 * reach one: the machine's Docker through a real OpenSSH server (`-H ssh://`, test/support/sshd.ts)
 * and a real dockerd serving its API only with `--tlsverify` on tcp:// (Debian's 20.10 in a
 * network namespace of its own, test/support/tls-engine.ts), given as a Docker context with its
 * TLS files for `add` and as `-H tcp://` with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH for `remove`.
 */
describe('one run over an ssh:// engine and a real --tlsverify engine', function () {
  this.timeout(900_000);
  const label = `trustpatch.ssh-tls=${SESSION_ID}`;
  const image = testImage('debian-curl');
  let siteCa: TestCa;
  let site: LocalHttpsServer;
  let sshd: Sshd;
  let tls: TlsEngine;
  let unreach: (() => Promise<void>) | undefined;
  let configDir = '';
  const local: string[] = [];
  const remote: string[] = [];

  before(async () => {
    siteCa = await makeCa('SSH TLS Site CA');
    site = await startHttpsServer(await makeServerCert(siteCa));
    sshd = await Sshd.start();
    tls = await startTlsEngine();
    // The site's port on the TLS engine's loopback too, where its host-network containers are.
    unreach = await reachableFromEngine(site.port, tls.engine.netns);
    await tls.engine.load(image);
    for (let i = 0; i < 2; i += 1) {
      local.push(await startContainer(image, { labels: { 'trustpatch.ssh-tls': SESSION_ID } }));
      const run = await tls.engine.docker([
        'run',
        '-d',
        '--pull',
        'never',
        '--network',
        'host',
        '--label',
        `${SESSION_LABEL}=${SESSION_ID}`,
        '--label',
        label,
        image,
        'sleep',
        '2147483647',
      ]);
      assert.equal(run.code, 0, run.stderr);
      remote.push(run.stdout.trim());
    }
    configDir = await mkdtemp(join(tmpdir(), 'trustpatch-docker-config-'));
    const file = (name: string) => join(tls.certDir, name);
    await dockerWithConfig(configDir, [
      'context',
      'create',
      'tp-tls-engine',
      '--docker',
      `host=${tls.host},ca=${file('ca.pem')},cert=${file('cert.pem')},key=${file('key.pem')}`,
    ]);
  });
  after(async () => {
    await removeContainers(local);
    await unreach?.();
    await tls?.close();
    await sshd?.stop();
    await site?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
    if (siteCa) await removeCa(siteCa);
  });

  const curl = async (engine: 'ssh' | 'tls', id: string) => {
    const argv = ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', site.url];
    return engine === 'ssh' ? (await execIn(id, argv)).code : (await tls.engine.docker(['exec', id, ...argv])).code;
  };
  const snapshots = async () =>
    new Map<string, StoreSnapshot>([
      ...(await Promise.all(local.map(async (id) => [id, await snapshotStore(id, DEBIAN_STORE)] as const))),
      ...(await Promise.all(
        remote.map(async (id) => [id, await snapshotStore(id, DEBIAN_STORE, tls.engine.host)] as const),
      )),
    ]);

  it('add, status and remove each cover both engines in one report; curl inside trusts the site in both; remove is exact', async () => {
    const before = await snapshots();
    for (const id of local) assert.equal(await curl('ssh', id), 60, 'not trusted before (ssh engine)');
    for (const id of remote) assert.equal(await curl('tls', id), 60, 'not trusted before (TLS engine)');
    const tlsBefore = tls.connections();
    const sshBefore = await sshd.connections();

    const add = await sshd.trustpatch(
      [
        'add',
        siteCa.certPath,
        '--label',
        label,
        '--host',
        sshd.host,
        '--context',
        'tp-tls-engine',
        '--check-url',
        site.url,
        '--json',
      ],
      { DOCKER_CONFIG: configDir },
    );
    assert.equal(add.code, 0, add.stdout + add.stderr);
    const added = report(add.stdout);
    assert.deepEqual(added.engines, [sshd.host, tls.host]);
    const engineOf = new Map(added.containers.map((row) => [row.id, row.engine]));
    assert.deepEqual(
      [...engineOf.entries()].sort(),
      [...local.map((id) => [id, sshd.host]), ...remote.map((id) => [id, tls.host])].sort(),
      'every container of both engines, each row naming its engine',
    );
    for (const row of added.containers) assert.equal(row.status, 'patched', JSON.stringify(row));
    for (const id of local) assert.equal(await curl('ssh', id), 0, `curl inside ${id} (ssh engine) trusts the site`);
    for (const id of remote) assert.equal(await curl('tls', id), 0, `curl inside ${id} (TLS engine) trusts the site`);
    assert.ok(tls.connections() > tlsBefore, 'trustpatch reached the TLS engine over tcp://');
    const sshOpened = (await sshd.connections()) - sshBefore;
    assert.ok(sshOpened >= 1 && sshOpened <= 2, `add opened ${sshOpened} SSH connections`);

    // The text report: an ENGINE column naming each container's engine.
    const status = await sshd.trustpatch(
      ['status', '--label', label, '--host', sshd.host, '--context', 'tp-tls-engine'],
      {
        DOCKER_CONFIG: configDir,
      },
    );
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const lines = status.stdout.split('\n');
    assert.match(lines.find((line) => line.includes('CONTAINER')) ?? '', /^ENGINE\s+CONTAINER/);
    for (const id of local)
      assert.ok(
        lines.some((line) => line.startsWith(sshd.host) && line.includes(id.slice(0, 12)) && line.includes('complete')),
        status.stdout,
      );
    for (const id of remote)
      assert.ok(
        lines.some((line) => line.startsWith(tls.host) && line.includes(id.slice(0, 12)) && line.includes('complete')),
        status.stdout,
      );

    // remove names the TLS engine the other way a user can: -H tcp:// with the TLS environment.
    const remove = await sshd.trustpatch(
      ['remove', siteCa.certPath, '--label', label, '--host', sshd.host, '--host', tls.host, '--json'],
      { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.certDir },
    );
    assert.equal(remove.code, 0, remove.stdout + remove.stderr);
    const removed = report(remove.stdout);
    assert.deepEqual(removed.engines, [sshd.host, tls.host]);
    assert.equal(removed.containers.length, 4);
    for (const row of removed.containers) assert.equal(row.status, 'removed', JSON.stringify(row));
    const after = await snapshots();
    for (const [id, snapshot] of before)
      assert.deepEqual(
        storeDifferences(snapshot, after.get(id)!),
        [],
        `${id}'s trust store is byte for byte as before`,
      );
    for (const id of local) assert.equal(await curl('ssh', id), 60, `curl inside ${id} refuses the site again`);
    for (const id of remote) assert.equal(await curl('tls', id), 60, `curl inside ${id} refuses the site again`);
  });

  it('the real --tlsverify engine: plain HTTP, a wrong CA and a missing client certificate each exit 3 with the reason', async () => {
    const otherCa = await makeCa('Not The Engine CA');
    const wrongCa = await makeDockerCertDir(otherCa);
    const noClientCert = await makeDockerCertDir(tls.ca, { client: false });
    try {
      const quoted = tls.host.replace(/[.]/g, '\\.');
      const status = (env: NodeJS.ProcessEnv) =>
        trustpatch(['status', '--label', label, '--host', tls.host], {
          env: { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '', DOCKER_CERT_PATH: '', ...env },
        });
      // dockerd's own answer to plain HTTP on its TLS port (Go's "Client sent an HTTP request to an HTTPS server").
      const plain = await status({});
      assert.equal(plain.code, 3, plain.stdout + plain.stderr);
      assert.match(
        plain.stderr,
        new RegExp(
          `${quoted} speaks TLS, and trustpatch spoke plain HTTP to it; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=DIR`,
        ),
      );
      const wrong = await status({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrongCa });
      assert.equal(wrong.code, 3, wrong.stdout + wrong.stderr);
      assert.match(
        wrong.stderr,
        new RegExp(`no Docker engine answers at ${quoted} \\(.*(self-signed|unable to (get|verify)).*\\)`),
      );
      // DOCKER_TLS alone sends no client certificate; dockerd --tlsverify refuses the handshake.
      const anonymous = await status({ DOCKER_TLS: '1', DOCKER_CERT_PATH: noClientCert });
      assert.equal(anonymous.code, 3, anonymous.stdout + anonymous.stderr);
      assert.match(anonymous.stderr, new RegExp(`no Docker engine answers at ${quoted}`));
      // The same engine with the right files answers, so each refusal above is the engine's.
      const right = await status({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.certDir });
      assert.equal(right.code, 0, right.stdout + right.stderr);
    } finally {
      for (const dir of [wrongCa, noClientCert]) await rm(dir, { recursive: true, force: true });
      await removeCa(otherCa);
    }
  });
});
