import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerodeOptions } from '../../src/docker/connect.js';
import { currentContextName } from '../../src/docker/context.js';
import { parseHost } from '../../src/docker/engine-address.js';
import { resolveEngines } from '../../src/docker/resolve-engines.js';

/** Writes a context the way `docker context create` lays it out (checked against docker 28 by hand and in test/integration/engines). */
async function writeContext(
  configDir: string,
  name: string,
  host: string,
  options: { skipTlsVerify?: boolean; tls?: Record<string, string> } = {},
): Promise<void> {
  const id = createHash('sha256').update(name).digest('hex');
  await mkdir(join(configDir, 'contexts', 'meta', id), { recursive: true });
  await writeFile(
    join(configDir, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } },
    }),
  );
  if (options.tls) {
    await mkdir(join(configDir, 'contexts', 'tls', id, 'docker'), { recursive: true });
    for (const [file, text] of Object.entries(options.tls))
      await writeFile(join(configDir, 'contexts', 'tls', id, 'docker', file), text);
  }
}

describe('engine addresses, as the docker CLI reads them', () => {
  let home: string;
  let config: string;
  const env = () => ({ HOME: home, DOCKER_CONFIG: config });

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'trustpatch-engines-'));
    config = join(home, 'docker-config');
    await mkdir(config);
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('parses unix, tcp (default ports 2375 / 2376 with TLS), bare HOST:PORT and ssh', () => {
    assert.deepEqual(parseHost('unix:///run/podman/podman.sock', '--host'), {
      kind: 'unix',
      socketPath: '/run/podman/podman.sock',
    });
    assert.deepEqual(parseHost('tcp://10.0.0.1', '--host'), { kind: 'tcp', hostname: '10.0.0.1', port: 2375 });
    assert.deepEqual(parseHost('tcp://10.0.0.1', '--host', true), { kind: 'tcp', hostname: '10.0.0.1', port: 2376 });
    assert.deepEqual(parseHost('127.0.0.1:2380', '--host'), { kind: 'tcp', hostname: '127.0.0.1', port: 2380 });
    assert.deepEqual(parseHost('ssh://ops@build-1:2222', '--host'), {
      kind: 'ssh',
      hostname: 'build-1',
      port: 2222,
      username: 'ops',
    });
  });

  it('refuses other schemes and relative sockets with the value and what to give', () => {
    assert.throws(
      () => parseHost('http://127.0.0.1:2375', '--host'),
      /--host "http:\/\/127\.0\.0\.1:2375": unsupported scheme http:\/\/; give unix:\/\/\/path/,
    );
    assert.throws(
      () => parseHost('unix://docker.sock', 'DOCKER_HOST'),
      /DOCKER_HOST "unix:\/\/docker\.sock": a unix socket path must be absolute/,
    );
  });

  it('defaults to /var/run/docker.sock with no setting at all', () => {
    assert.deepEqual(resolveEngines({ env: env() }), [
      { host: 'unix:///var/run/docker.sock', origin: 'context "default"' },
    ]);
  });

  it('follows currentContext in config.json, then DOCKER_CONTEXT over it, then DOCKER_HOST over both', async () => {
    await writeContext(config, 'pod', 'unix:///run/podman/podman.sock');
    await writeContext(config, 'other', 'tcp://127.0.0.1:2999');
    await writeFile(join(config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'pod' }));
    assert.equal(currentContextName(env()), 'pod');
    assert.deepEqual(
      resolveEngines({ env: env() }).map((e) => [e.host, e.origin]),
      [['unix:///run/podman/podman.sock', 'context "pod"']],
    );
    assert.deepEqual(
      resolveEngines({ env: { ...env(), DOCKER_CONTEXT: 'other' } }).map((e) => e.host),
      ['tcp://127.0.0.1:2999'],
    );
    assert.deepEqual(
      resolveEngines({ env: { ...env(), DOCKER_CONTEXT: 'other', DOCKER_HOST: 'unix:///tmp/x.sock' } }).map((e) => [
        e.host,
        e.origin,
      ]),
      [['unix:///tmp/x.sock', 'DOCKER_HOST']],
    );
  });

  it('lets --context beat DOCKER_HOST, and combines repeated --host and --context, each engine once', async () => {
    await writeContext(config, 'pod', 'unix:///run/podman/podman.sock');
    const engines = resolveEngines({
      hosts: ['unix:///var/run/docker.sock', '127.0.0.1:2375', 'tcp://127.0.0.1:2375'],
      contexts: ['pod'],
      env: { ...env(), DOCKER_HOST: 'unix:///elsewhere.sock' },
    });
    assert.deepEqual(
      engines.map((e) => e.host),
      ['unix:///var/run/docker.sock', 'tcp://127.0.0.1:2375', 'unix:///run/podman/podman.sock'],
    );
  });

  it('reads the TLS material a context was created with, and SkipTLSVerify', async () => {
    await writeContext(config, 'secure', 'tcp://127.0.0.1:2376', {
      tls: { 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' },
    });
    await writeContext(config, 'lax', 'tcp://127.0.0.1:2377', { skipTlsVerify: true });
    await writeContext(config, 'plain', 'tcp://127.0.0.1:2375');
    const [secure, lax, plain] = resolveEngines({ contexts: ['secure', 'lax', 'plain'], env: env() });
    assert.deepEqual(secure!.tls, {
      verify: true,
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
    });
    assert.deepEqual(lax!.tls, { verify: false, ca: undefined, cert: undefined, key: undefined });
    assert.equal(plain!.tls, undefined);
  });

  it('names a missing context, a broken config.json and a context without a Docker endpoint', async () => {
    assert.throws(
      () => resolveEngines({ contexts: ['nope'], env: env() }),
      /context "nope": no such Docker context in .*docker-config; see `docker context ls`/,
    );
    await writeFile(join(config, 'config.json'), '{ not json');
    assert.throws(() => resolveEngines({ env: env() }), /config\.json: not valid JSON/);
    const id = createHash('sha256').update('k8s').digest('hex');
    await mkdir(join(config, 'contexts', 'meta', id), { recursive: true });
    await writeFile(join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'k8s', Endpoints: {} }));
    assert.throws(() => resolveEngines({ contexts: ['k8s'], env: env() }), /context "k8s": .* has no Docker endpoint/);
  });

  it('takes TLS for tcp:// from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, requiring the three files', async () => {
    const certs = join(home, 'certs');
    await mkdir(certs);
    const tlsEnv = { ...env(), DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs };
    assert.throws(
      () => resolveEngines({ env: tlsEnv }),
      /certs\/ca\.pem: cannot read it \(ENOENT\); put the engine's TLS files there or point DOCKER_CERT_PATH at them/,
    );
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, file), file);
    const [engine] = resolveEngines({ env: tlsEnv });
    assert.equal(engine!.host, 'tcp://127.0.0.1:2376');
    assert.equal(engine!.tls?.verify, true);
    // A unix socket ignores TLS settings, as they only make sense for tcp://.
    assert.equal(resolveEngines({ hosts: ['unix:///var/run/docker.sock'], env: tlsEnv })[0]!.tls, undefined);
  });

  it('gives docker-modem explicit options, so DOCKER_HOST in the environment cannot override --host', () => {
    assert.deepEqual(dockerodeOptions({ host: 'unix:///run/podman/podman.sock', origin: '--host' }, {}), {
      socketPath: '/run/podman/podman.sock',
    });
    assert.deepEqual(dockerodeOptions({ host: 'tcp://127.0.0.1:2375', origin: '--host' }, {}), {
      protocol: 'http',
      host: '127.0.0.1',
      port: 2375,
    });
    const tls = dockerodeOptions({ host: 'tcp://127.0.0.1:2376', origin: '--host', tls: { verify: false } }, {}) as {
      protocol: string;
      agent: { options: { rejectUnauthorized: boolean } };
    };
    assert.equal(tls.protocol, 'https');
    assert.equal(tls.agent.options.rejectUnauthorized, false);
  });

  it('an ssh:// or TLS agent formats as one word: docker-modem inspects every request’s options, agent included', () => {
    // docker-modem's buildRequest runs util.inspect(options, { showHidden: true, depth: null })
    // before each request; a keep-alive agent walked whole cost hundreds of ms per request.
    for (const address of [
      { host: 'ssh://ops@build-2', origin: '--host' },
      { host: 'tcp://127.0.0.1:2376', origin: '--host', tls: { verify: false } },
    ]) {
      const options = dockerodeOptions(address, {}) as { agent: object };
      const text = inspect(options, { showHidden: true, depth: null });
      assert.match(text, /agent: \[(SshAgent|Agent)\]/, text.slice(0, 300));
      assert.ok(text.length < 200, `${address.host}: ${text.length} characters`);
    }
  });
});
