import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('CLI errors: one line, the input named, the right exit status', () => {
  let dir: string;
  let ca: TestCa;
  const noEngine = { DOCKER_HOST: 'unix:///nonexistent/trustpatch-test.sock' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-cli-'));
    ca = await makeCa('CLI Test CA');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await removeCa(ca);
  });

  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const io = captureIo(env);
    const saved = process.env.DOCKER_HOST;
    if (env.DOCKER_HOST) process.env.DOCKER_HOST = env.DOCKER_HOST;
    try {
      const code = await main(args, io);
      return { code, out: io.out(), err: io.err() };
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }

  it('a missing certificate file: exit 2, names the file', async () => {
    const result = await run(['add', join(dir, 'missing.pem'), 'app'], noEngine);
    assert.equal(result.code, 2);
    assert.match(result.err, /missing\.pem: no such file/);
    assert.equal(result.err.trim().split('\n').length, 1);
  });

  it('a file that is not a certificate: exit 2, names the file', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'just some text, no certificate here\n');
    const result = await run(['add', path, 'app'], noEngine);
    assert.equal(result.code, 2);
    assert.match(result.err, /notes\.txt: found neither PEM blocks nor DER data/);
  });

  it('a lone private key: exit 2, says what was found', async () => {
    const result = await run(['add', ca.keyPath, 'app'], noEngine);
    assert.equal(result.code, 2);
    assert.match(result.err, /found a PRIVATE KEY block and no certificate/);
    assert.doesNotMatch(result.err + result.out, /BEGIN/);
  });

  it('an unreachable engine: exit 3, names the address and what to do', async () => {
    const result = await run(['add', ca.certPath, 'app'], noEngine);
    assert.equal(result.code, 3);
    assert.match(
      result.err,
      /no Docker engine answers at unix:\/\/\/nonexistent\/trustpatch-test\.sock.*start the engine, or pick a reachable one with --host, --context or DOCKER_HOST/,
    );
  });

  it('an unknown flag or a missing command: exit 2 with a pointer to --help', async () => {
    const unknown = await run(['add', ca.certPath, 'app', '--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, 'trustpatch: add has no --frobnicate flag (see `trustpatch add --help`)\n');
    const none = await run([]);
    assert.equal(none.code, 2);
  });

  it('a bad --name: exit 2 before the engine is asked', async () => {
    const result = await run(['add', ca.certPath, 'app', '--name', '../../etc/x'], noEngine);
    assert.equal(result.code, 2);
    assert.match(result.err, /--name "\.\.\/\.\.\/etc\/x"/);
  });
});
