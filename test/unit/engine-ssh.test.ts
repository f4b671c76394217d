import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterArgs, sessionArgs } from '../../src/docker/ssh-args.js';
import { sshFailure } from '../../src/docker/ssh-errors.js';
import { MAX_SESSIONS, sshAgent, type SshAgent } from '../../src/docker/ssh.js';
import { isConnectionDrop } from '../../src/docker/engine-drop.js';

const target = { hostname: 'build-2', port: 2222, username: 'ops' };

describe('ssh:// engines: the ssh command lines', () => {
  it('shares one master: sessions never open a connection of their own, options end before the host', () => {
    const session = sessionArgs(target, '/tmp/x/master');
    assert.deepEqual(
      session.slice(-6),
      ['--', 'build-2', 'docker', 'system', 'dial-stdio'].slice(-6).length === 5 ? session.slice(-6) : [],
    );
    assert.deepEqual(session.slice(session.indexOf('--')), ['--', 'build-2', 'docker', 'system', 'dial-stdio']);
    for (const option of ['ControlMaster=no', 'ControlPath=/tmp/x/master', 'ProxyCommand=false'])
      assert.ok(session.includes(option), option);
    assert.deepEqual(session.slice(session.indexOf('-l'), session.indexOf('-l') + 4), ['-l', 'ops', '-p', '2222']);
    const master = masterArgs({ hostname: '-oProxyCommand=touch /tmp/pwned', port: 22 }, '/tmp/x/master', 30);
    assert.deepEqual(
      master.slice(-2),
      ['--', '-oProxyCommand=touch /tmp/pwned'],
      'a hostile host name stays a host name',
    );
    assert.ok(!master.includes('-p'), 'port 22 leaves the Port of ~/.ssh/config alone');
    assert.ok(master.includes('ControlMaster=yes') && master.includes('ControlPersist=30') && master.includes('-N'));
  });
});

describe('ssh:// engines: ssh failures become messages with the next step', () => {
  // OpenSSH 9.2's own wording, as seen against Debian's sshd.
  it('an unknown host key, a changed one, a refused login, no docker, an unreachable sshd', () => {
    assert.match(
      sshFailure(
        target,
        'No ED25519 host key is known for [build-2]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n',
        255,
      ).message,
      /host key of ops@build-2 port 2222 is not in known_hosts; connect once with `ssh -p 2222 ops@build-2`/,
    );
    assert.match(
      sshFailure(target, '@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n', 255).message,
      /has CHANGED .* `ssh-keygen -R '\[build-2\]:2222'`/,
    );
    const refused = sshFailure(target, 'ops@127.0.0.1: Permission denied (publickey).\r\n', 255);
    assert.match(
      refused.message,
      /ops@build-2 port 2222 refused the login \(ops@127\.0\.0\.1: Permission denied \(publickey\)\.\); add the key to ssh-agent/,
    );
    assert.equal(isConnectionDrop(refused), false, 'a refused login is final, not retried');
    assert.match(
      sshFailure(target, "/usr/bin/env: 'bash': No such file\nbash: line 1: docker: command not found\n", 127).message,
      /`docker` is not on the PATH of ops@build-2 port 2222 \(bash: line 1: docker: command not found\); install the Docker CLI there/,
    );
    const down = sshFailure(target, 'ssh: connect to host build-2 port 2222: Connection refused\r\n', 255);
    assert.match(
      down.message,
      /ssh to ops@build-2 port 2222 failed \(ssh: connect to host build-2 port 2222: Connection refused, exit 255\)/,
    );
    assert.equal(isConnectionDrop(down), true, 'an sshd that is away is an engine drop: retried, then rolled back');
  });
});

/**
 * A stand-in `ssh` (a script, no sshd): a master that comes up or is refused, and sessions
 * that answer HTTP keep-alive requests on stdio the way `docker system dial-stdio` does, or fail
 * as sessions do when the master is gone. Its probe names no engine socket, so nothing is
 * forwarded and every connection is a session. It logs each start to $FAKE_SSH_LOG.
 */
const FAKE_SSH = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const log = (what) => fs.appendFileSync(process.env.FAKE_SSH_LOG, what + '\\n');
const flag = (name) => fs.existsSync(process.env.FAKE_SSH_DIR + '/' + name);
if (args.includes('-O')) process.exit(0);
if (args.includes('ControlMaster=yes')) {
  log('master');
  if (flag('refuse')) { process.stderr.write('ops@127.0.0.1: Permission denied (publickey).\\r\\n'); process.exit(255); }
  process.exit(0);
}
if (args.some((arg) => arg.startsWith('docker context inspect'))) { log('probe'); process.exit(0); }
log('session');
if (flag('down')) { process.stderr.write('Control socket connect(/tmp/x): No such file or directory\\r\\nConnection closed by UNKNOWN port 65535\\r\\n'); process.exit(255); }
let buffer = '';
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let end;
  while ((end = buffer.indexOf('\\r\\n\\r\\n')) >= 0) {
    buffer = buffer.slice(end + 4);
    setTimeout(() => process.stdout.write('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nOK'), 30);
  }
});
process.stdin.on('end', () => process.exit(0));
`;

describe('ssh:// engines: the shared connection and its sessions (a stand-in ssh)', function () {
  this.timeout(30_000);
  let dir: string;
  let agent: SshAgent;
  const starts = () => readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean);
  const ping = () =>
    new Promise<string>((resolve, reject) => {
      get({ host: 'build-2', path: '/_ping', agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8'))).on('end', () => resolve(body));
      }).on('error', reject);
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp-fake-ssh-'));
    writeFileSync(join(dir, 'ssh'), FAKE_SSH);
    writeFileSync(join(dir, 'log'), '');
    chmodSync(join(dir, 'ssh'), 0o755);
    agent = sshAgent(target, { ...process.env, FAKE_SSH_LOG: join(dir, 'log'), FAKE_SSH_DIR: dir }, join(dir, 'ssh'));
  });
  afterEach(() => {
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('40 requests at once: one master, at most MAX_SESSIONS sessions, reused with keep-alive', async () => {
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, agent.sessionCount)), 5);
    const answers = await Promise.all(Array.from({ length: 40 }, ping));
    clearInterval(sampler);
    assert.deepEqual(
      answers,
      answers.map(() => 'OK'),
    );
    assert.equal(starts().filter((s) => s === 'master').length, 1);
    const sessions = starts().filter((s) => s === 'session').length;
    assert.ok(sessions <= MAX_SESSIONS, `${sessions} sessions for 40 requests`);
    assert.ok(most <= MAX_SESSIONS && most > 1, `${most} sessions at once`);
  });

  it('a refused login fails every request with the reason, and no error goes unhandled', async () => {
    writeFileSync(join(dir, 'refuse'), '');
    const results = await Promise.allSettled(Array.from({ length: 5 }, ping));
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.match(String((result as PromiseRejectedResult).reason), /refused the login/);
    }
    assert.equal(starts().filter((s) => s === 'master').length, 1, 'the waiting requests shared the one failed start');
  });

  it('sessions failing (the master gone) are engine drops, and the next request starts a new master', async () => {
    assert.equal(await ping(), 'OK');
    agent.destroy();
    writeFileSync(join(dir, 'down'), '');
    const failure = await ping().then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.equal(isConnectionDrop(failure), true, String(failure));
    rmSync(join(dir, 'down'));
    assert.equal(await ping(), 'OK');
    assert.equal(starts().filter((s) => s === 'master').length, 2);
  });

  it('names the missing ssh client', async () => {
    agent = sshAgent(target, process.env, join(dir, 'no-such-ssh'));
    await assert.rejects(ping(), /the OpenSSH client `ssh` is not on the PATH.*apt-get install openssh-client/);
  });
});
