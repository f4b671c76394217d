import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildAptRepo, serveAptRepo, type LocalAptRepo } from '../support/apt-repo.js';
import { execIn, removeContainers, startContainer, testImage } from '../support/containers.js';
import { makeCa, makeServerCert, opensslFingerprint, removeCa, type TestCa } from '../support/pki.js';
import { startSquid, type LocalSquid } from '../support/squid.js';
import { addJson, bundleFingerprints, checkRows, copyOut, occurrences } from '../support/trust-checks.js';

const run = promisify(execFile);
const ENSURE = fileURLToPath(new URL('../../../scripts/ensure-proxy-tools.sh', import.meta.url));

/**
 * The case the seed step exists for (alpinelinux/docker-alpine#98): the container's only route
 * to a package repository is through a TLS-intercepting proxy (squid ssl-bump on 127.0.0.1)
 * whose CA it does not trust yet, and the package that brings the update command must come
 * from there. The repository is a local flat one (ca-certificates, openssl, libssl3 from
 * Debian's archive) served over HTTPS on 127.0.0.1 with a certificate from another CA, which
 * only the proxy talks to. It is unsigned, so sources.list says [trusted=yes]: fine for this
 * loopback test repository, never for a real one. Nothing switches to http or skips verification.
 */
describe('behind a TLS-intercepting proxy: the seed lets the package manager through', function () {
  let proxyCa: TestCa;
  let upstreamCa: TestCa;
  let repo: LocalAptRepo;
  let squid: LocalSquid;
  const containers: string[] = [];

  before(async function () {
    this.timeout(600_000);
    await run('bash', [ENSURE]);
    proxyCa = await makeCa('Intercepting Proxy Root');
    upstreamCa = await makeCa('Upstream Repository Root');
    repo = await serveAptRepo(
      await buildAptRepo(['ca-certificates', 'openssl', 'libssl3']),
      await makeServerCert(upstreamCa),
    );
    squid = await startSquid(proxyCa, await readFile(proxyCa.keyPath, 'utf8'));
  });
  after(async () => {
    await removeContainers(containers);
    await squid?.close();
    await repo?.close();
    for (const ca of [proxyCa, upstreamCa]) if (ca) await removeCa(ca);
  });

  it('Debian without ca-certificates: apt-get fails through the proxy before, installs ca-certificates through it after the seed', async function () {
    this.timeout(600_000);
    const id = await startContainer(testImage('debian-min'));
    containers.push(id);
    assert.doesNotMatch(
      (await execIn(id, ['dpkg-query', '-W', '-f', '${Status}', 'ca-certificates'])).stdout,
      /install ok installed/,
      'the image starts without it',
    );
    // The repository through the proxy is the only package source.
    await execIn(id, [
      'sh',
      '-c',
      `printf 'deb [trusted=yes] ${repo.url} ./\\n' > /etc/apt/sources.list && printf 'Acquire::https::Proxy "${squid.url}/";\\n' > /etc/apt/apt.conf.d/99proxy`,
    ]);
    const control = await execIn(id, ['apt-get', 'update']);
    assert.match(
      control.stdout + control.stderr,
      /certificate/i,
      'without the proxy CA, apt cannot verify the intercepted connection',
    );
    assert.equal(repo.requests.length, 0, 'nothing got through to the repository');

    const {
      code,
      containers: [result],
      output,
    } = await addJson([proxyCa.certPath, id, '--check-url', `${repo.url}Release`, '--proxy', squid.url]);
    assert.equal(code, 0, output);
    assert.deepEqual(
      [result!.status, result!.family, result!.method, result!.warnings],
      ['patched', 'debian', 'update-command', []],
      output,
    );
    assert.deepEqual(checkRows(result!.check.before), [[false, null, null]], 'no TLS client before the install');
    assert.deepEqual(
      checkRows(result!.check.after),
      [[true, 'openssl', 'tls']],
      'the openssl that came with ca-certificates verified through the proxy',
    );

    assert.match(
      (await execIn(id, ['dpkg-query', '-W', '-f', '${Status}', 'ca-certificates'])).stdout,
      /install ok installed/,
    );
    const fetched = repo.requests.map((r) => r.path);
    assert.ok(
      fetched.includes('/Packages') && fetched.some((p) => /^\/ca-certificates_.*\.deb$/.test(p)),
      `the repository served the index and the package: ${fetched.join(' ')}`,
    );
    assert.ok(
      repo.requests.every((r) => /squid/.test(r.via ?? '')),
      'every request came through the proxy (Via: squid)',
    );

    const bundle = await bundleFingerprints((await copyOut(id, '/etc/ssl/certs/ca-certificates.crt'))!);
    assert.equal(occurrences(bundle, await opensslFingerprint(proxyCa.certPath)), 1);
    assert.ok(bundle.length > 100, `Debian's own roots are there too (${bundle.length})`);
    // Independently of trustpatch: the freshly installed openssl verifies the proxy's certificate.
    const verify = await execIn(
      id,
      [
        'openssl',
        's_client',
        '-proxy',
        squid.url.replace('http://', ''),
        '-connect',
        `127.0.0.1:${repo.port}`,
        '-verify_return_error',
        '-verify_ip',
        '127.0.0.1',
        '-brief',
      ],
      '0',
    );
    assert.match(verify.stdout + verify.stderr, /Verification: OK/);
  });
});
