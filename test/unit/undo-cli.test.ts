import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('remove, status, dockerfile: input errors and the engine-free dockerfile', () => {
  let ca: TestCa;
  const noEngine = { DOCKER_HOST: 'unix:///nonexistent/trustpatch-test.sock' };

  before(async () => {
    ca = await makeCa('Dockerfile Test CA');
  });
  after(async () => removeCa(ca));

  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const io = captureIo(env);
    const saved = process.env.DOCKER_HOST;
    if (env.DOCKER_HOST) process.env.DOCKER_HOST = env.DOCKER_HOST;
    try {
      return { code: await main(args, io), out: io.out(), err: io.err() };
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }

  it('remove with something that is no file, fingerprint or name: exit 2, one line, before the engine is asked', async () => {
    const result = await run(['remove', 'not/a file', 'app'], noEngine);
    assert.equal(result.code, 2);
    assert.match(
      result.err,
      /"not\/a file": not a certificate file, a SHA-256 fingerprint \(at least 8 hex digits\) or a certificate name/,
    );
    assert.equal(result.err.trim().split('\n').length, 1);
  });

  it('status with an unknown --stores value: exit 2', async () => {
    const status = await run(['status', 'app', '--stores', 'npm'], noEngine);
    assert.equal(status.code, 2);
    assert.match(status.err, /--stores "npm": use system, certifi, java/);
  });

  it('dockerfile --family prints the lines without an engine; an unknown family or none at all is exit 2', async () => {
    const ok = await run(['dockerfile', ca.certPath, '--family', 'alpine'], noEngine);
    assert.equal(ok.code, 0, ok.err);
    assert.match(
      ok.out,
      /^COPY Dockerfile_Test_CA-[0-9a-f]{8}\.crt \/usr\/local\/share\/ca-certificates\/Dockerfile_Test_CA-[0-9a-f]{8}\.crt$/m,
    );
    assert.match(
      ok.out,
      /^RUN \/sbin\/apk add --no-cache ca-certificates \\\n && \/usr\/sbin\/update-ca-certificates$/m,
    );
    const unknown = await run(['dockerfile', ca.certPath, '--family', 'gentoo'], noEngine);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--family "gentoo": use one of debian, alpine/);
    const neither = await run(['dockerfile', ca.certPath], noEngine);
    assert.equal(neither.code, 2);
  });
});
