import assert from 'node:assert/strict';
import { waitFor } from '../support/cli.js';
import { execIn, removeContainers, SESSION_ID, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { Sshd } from '../support/sshd.js';
import { DEBIAN_STORE, snapshotStore, storeDifferences } from '../support/trust-store.js';

interface Row {
  id: string;
  status: string;
  error: string | null;
  rollback: string | null;
}
const rows = (stdout: string): Row[] => (JSON.parse(stdout) as { containers: Row[] }).containers;
const curlCode = async (id: string, url: string) =>
  (await execIn(id, ['curl', '-sS', '-o', '/dev/null', '--max-time', '10', url])).code;
/** An internal error (a crash) prints a stack and asks for a report; an engine failure never does. */
const noCrash = (stderr: string) => assert.doesNotMatch(stderr, /please report|^\s+at .*\.js:\d+/m, stderr);

/**
 * ssh:// engines against a real OpenSSH server (Debian's sshd, its own config, host key and
 * port on 127.0.0.1, default MaxStartups and MaxSessions), in front of the engine under test.
 * sshd's VERBOSE log counts the SSH connections each run opened.
 */
describe('ssh:// engines through a real OpenSSH server', function () {
  this.timeout(900_000);
  let ca: TestCa;
  let site: LocalHttpsServer;
  let sshd: Sshd;

  before(async () => {
    ca = await makeCa('SSH Fleet CA');
    site = await startHttpsServer(await makeServerCert(ca));
    sshd = await Sshd.start();
  });
  after(async () => {
    await sshd?.stop();
    await site?.close();
    if (ca) await removeCa(ca);
  });

  /** Runs trustpatch and says how many SSH connections sshd saw it open. */
  async function overSsh(
    args: string[],
  ): Promise<{ code: number; stdout: string; stderr: string; connections: number }> {
    const before = await sshd.connections();
    const result = await sshd.trustpatch(args);
    // sshd's side of a failed run, for the assertion message.
    if (result.code !== 0)
      result.stderr += `\n--- sshd log (end) ---\n${(await sshd.log()).split('\n').slice(-15).join('\n')}`;
    return { ...result, connections: (await sshd.connections()) - before };
  }

  describe('a fleet of 20 at the default concurrency', () => {
    const label = `trustpatch.ssh-fleet=${SESSION_ID}`;
    const ids: string[] = [];
    before(async () => {
      for (let i = 0; i < 20; i += 1)
        ids.push(await startContainer(testImage('debian-curl'), { labels: { 'trustpatch.ssh-fleet': SESSION_ID } }));
    });
    after(() => removeContainers(ids));

    it('is patched, checked and removed over ssh://, each run through one SSH connection', async () => {
      for (const id of ids.slice(0, 2)) assert.equal(await curlCode(id, site.url), 60, 'not trusted before');
      const add = await overSsh([
        'add',
        ca.certPath,
        '--label',
        label,
        '--host',
        sshd.host,
        '--check-url',
        site.url,
        '--json',
      ]);
      assert.equal(add.code, 0, add.stderr);
      assert.deepEqual(
        rows(add.stdout).map((row) => row.status),
        ids.map(() => 'patched'),
      );
      for (const id of ids) assert.equal(await curlCode(id, site.url), 0, `curl inside ${id} trusts the site`);
      assert.ok(add.connections <= 2, `add opened ${add.connections} SSH connections`);

      const status = await overSsh(['status', '--label', label, '--host', sshd.host, '--json']);
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual(
        rows(status.stdout).map((row) => row.status),
        ids.map(() => 'complete'),
      );
      assert.ok(status.connections <= 2, `status opened ${status.connections} SSH connections`);

      const remove = await overSsh(['remove', ca.certPath, '--label', label, '--host', sshd.host, '--json']);
      assert.equal(remove.code, 0, remove.stderr);
      assert.deepEqual(
        rows(remove.stdout).map((row) => row.status),
        ids.map(() => 'removed'),
      );
      for (const id of ids) assert.equal(await curlCode(id, site.url), 60, `curl inside ${id} refuses the site again`);
      assert.ok(remove.connections <= 2, `remove opened ${remove.connections} SSH connections`);
    });
  });

  describe('~/.ssh/config and what ssh refuses', () => {
    let id = '';
    before(async () => {
      id = await startContainer(testImage('debian-curl'));
    });
    after(() => removeContainers([id]));

    it('reaches a Host alias of ~/.ssh/config with a non-default port and its own IdentityFile', async () => {
      const add = await overSsh(['add', ca.certPath, id, '--host', 'ssh://tp-engine', '--check-url', site.url]);
      assert.equal(add.code, 0, add.stderr);
      assert.equal(await curlCode(id, site.url), 0);
      const aliasKey = await sshd.fingerprint('alias_key');
      const logins = (await sshd.log()).split('\n').filter((line) => line.startsWith('Accepted publickey for root'));
      assert.ok(
        logins.at(-1)?.includes(aliasKey),
        `the login used IdentityFile ~/.ssh/alias_key (${aliasKey}): ${logins.at(-1)}`,
      );
      assert.equal(add.connections, 1);
    });

    it('an unknown host key, a refused login and a remote without docker: exit 3, the host and the next step named', async () => {
      const cases: [string, RegExp][] = [
        [
          'tp-unknown-host',
          /the host key of tp-unknown-host is not in known_hosts; connect once with `ssh tp-unknown-host`/,
        ],
        [
          'tp-refused',
          /tp-refused refused the login \(.*Permission denied \(publickey\).*\); add the key to ssh-agent/,
        ],
        [
          'tp-no-docker',
          /`docker` is not on the PATH of tp-no-docker \(bash: line 1: docker: command not found\); install the Docker CLI there/,
        ],
      ];
      for (const [alias, message] of cases) {
        const result = await sshd.trustpatch(['status', id, '--host', `ssh://${alias}`]);
        assert.equal(result.code, 3, `${alias}: ${result.stderr}`);
        assert.match(result.stderr, new RegExp(`no Docker engine answers at ssh://${alias}: `));
        assert.match(result.stderr, message);
        noCrash(result.stderr);
      }
    });
  });

  describe('sshd killed in the middle of a run', () => {
    const label = `trustpatch.ssh-kill=${SESSION_ID}`;
    const ids: string[] = [];
    let slow = '';
    before(async () => {
      for (let i = 0; i < 6; i += 1)
        ids.push(await startContainer(testImage('debian-curl'), { labels: { 'trustpatch.ssh-kill': SESSION_ID } }));
      // Its first update announces itself and hangs, so sshd dies while it is in flight.
      slow = ids[0]!;
      const update = '/usr/sbin/update-ca-certificates';
      const script = `#!/bin/sh\nif [ -e /tmp/slow ]; then rm -f /tmp/slow; touch /tmp/update-started; exec sleep 600; fi\nexec ${update}.real "$@"\n`;
      for (const argv of [
        ['mv', update, `${update}.real`],
        ['sh', '-c', 'printf "%s" "$1" > "$2" && chmod 755 "$2"', 'sh', script, update],
        ['touch', '/tmp/slow'],
      ]) {
        assert.equal((await execIn(slow, argv)).code, 0);
      }
    });
    after(() => removeContainers(ids));

    it('no crash: each container in flight rolled back or reported incomplete, and a rerun finishes', async () => {
      const before = new Map(
        await Promise.all(ids.map(async (id) => [id, await snapshotStore(id, DEBIAN_STORE)] as const)),
      );
      const connectionsBefore = await sshd.connections();
      const run = sshd.startTrustpatch([
        'add',
        ca.certPath,
        '--label',
        label,
        '--host',
        sshd.host,
        '--check-url',
        site.url,
        '--json',
      ]);
      await waitFor(
        'the slow update to start',
        async () => (await execIn(slow, ['test', '-e', '/tmp/update-started'])).code === 0,
        300_000,
      );
      await sshd.kill();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await sshd.launch();
      const result = await run.done;
      noCrash(result.stderr);
      assert.equal(result.code, 1, result.stderr);
      const report = rows(result.stdout);
      assert.equal(report.length, ids.length);
      const slowRow = report.find((row) => row.id === slow)!;
      assert.equal(slowRow.status, 'failed', JSON.stringify(slowRow));
      assert.match(
        slowRow.error ?? '',
        new RegExp(`lost the connection to the engine at ${sshd.host.replace(/[.]/g, '\\.')}`),
      );
      for (const row of report) {
        if (row.status === 'patched') continue;
        assert.equal(row.status, 'failed', JSON.stringify(row));
        assert.ok(['done', 'not-needed', 'incomplete'].includes(row.rollback ?? ''), JSON.stringify(row));
        if (row.rollback !== 'incomplete')
          assert.deepEqual(
            storeDifferences(before.get(row.id)!, await snapshotStore(row.id, DEBIAN_STORE)),
            [],
            `${row.id} is exactly as before`,
          );
      }
      // A restart per backoff step at most, never a connection per request.
      const opened = (await sshd.connections()) - connectionsBefore;
      assert.ok(opened <= 8, `the run opened ${opened} SSH connections`);

      const rerun = await overSsh([
        'add',
        ca.certPath,
        '--label',
        label,
        '--host',
        sshd.host,
        '--check-url',
        site.url,
        '--json',
      ]);
      assert.equal(rerun.code, 0, rerun.stderr);
      for (const row of rows(rerun.stdout))
        assert.ok(['patched', 'already-present'].includes(row.status), JSON.stringify(row));
      for (const id of ids) assert.equal(await curlCode(id, site.url), 0, `curl inside ${id} trusts the site`);
    });
  });
});
