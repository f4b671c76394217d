import assert from 'node:assert/strict';
import { negotiateApiVersion } from '../../src/docker/api-version.js';
import { parsePathStat } from '../../src/docker/path-stat.js';

describe('API version negotiation', () => {
  it('speaks 1.41 with newer engines and the engine’s own version with older ones', () => {
    assert.equal(
      negotiateApiVersion({ Version: '26.1.0', ApiVersion: '1.45', MinAPIVersion: '1.24' }, 'e').useApiVersion,
      '1.41',
    );
    assert.equal(
      negotiateApiVersion({ Version: '19.03.15', ApiVersion: '1.40', MinAPIVersion: '1.12' }, 'e').useApiVersion,
      '1.40',
    );
    // An engine that dropped 1.41 (Docker 29 raised its minimum to 1.44) gets its minimum.
    assert.equal(
      negotiateApiVersion({ Version: '29.0.0', ApiVersion: '1.52', MinAPIVersion: '1.44' }, 'e').useApiVersion,
      '1.44',
    );
  });

  it('names Podman from its compat /version answer (Debian 12 podman 4.3.1)', () => {
    const podman = {
      Components: [{ Name: 'Podman Engine', Version: '4.3.1' }],
      Version: '4.3.1',
      ApiVersion: '1.41',
      MinAPIVersion: '1.24',
    };
    assert.deepEqual(negotiateApiVersion(podman, 'unix:///run/podman/podman.sock'), {
      product: 'Podman 4.3.1',
      apiVersion: '1.41',
      useApiVersion: '1.41',
    });
  });

  it('refuses an engine older than API 1.40, saying what it speaks and what is needed', () => {
    assert.throws(
      () => negotiateApiVersion({ Version: '18.09.9', ApiVersion: '1.39' }, 'tcp://old:2375'),
      (error: Error & { exitCode?: number }) => {
        assert.equal(error.exitCode, 3);
        assert.match(
          error.message,
          /Docker 18\.09\.9 at tcp:\/\/old:2375 speaks Docker API 1\.39; trustpatch needs API 1\.40 or newer/,
        );
        return true;
      },
    );
  });

  it('compares versions numerically (1.9 is older than 1.40)', () => {
    assert.throws(() => negotiateApiVersion({ ApiVersion: '1.9' }, 'e'), /speaks Docker API 1\.9/);
  });

  it('calls an answer without an API version unexpected, quoting the start of it', () => {
    assert.throws(
      () => negotiateApiVersion('<html>hello</html>', 'unix:///tmp/web.sock'),
      /unix:\/\/\/tmp\/web\.sock answered GET \/version without a Docker API version \(it said: <html>hello<\/html>\)/,
    );
    assert.throws(() => negotiateApiVersion({ ApiVersion: 'latest' }, 'e'), /without a Docker API version/);
  });
});

describe('path stats from either engine', () => {
  const header = (stat: object) => Buffer.from(JSON.stringify(stat)).toString('base64');

  it('gives a regular file no link target, though Podman 4.3 reports its own path as one', () => {
    // As podman 4.3.1 answered HEAD /containers/{id}/archive?path=/etc/ssl/certs/ca-certificates.crt here.
    const podman = parsePathStat(
      header({
        name: 'ca-certificates.crt',
        size: 216591,
        mode: 420,
        mtime: '2026-11-22T23:00:00Z',
        linkTarget: '/etc/ssl/certs/ca-certificates.crt',
      }),
    );
    assert.deepEqual(podman, { name: 'ca-certificates.crt', size: 216591, type: 'file', linkTarget: undefined });
    const link = parsePathStat(
      header({ name: 'os-release', size: 21, mode: 2 ** 27 + 0o777, linkTarget: '/usr/lib/os-release' }),
    );
    assert.deepEqual(link, { name: 'os-release', size: 21, type: 'symlink', linkTarget: '/usr/lib/os-release' });
  });
});
