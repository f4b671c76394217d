import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { certificateName, installNames } from '../../src/cert/name.js';
import { printable } from '../../src/cli/printable.js';
import { renderTable } from '../../src/cli/table.js';
import type { Certificate } from '../../src/cert/certificate.js';
import { packFiles, unpackEntries } from '../../src/docker/tar.js';

describe('hostile names and paths: tar entries written into containers', () => {
  it('refuses any path that is not a plain absolute file path', async () => {
    const unsafe = [
      '../etc/passwd',
      '/usr/local/share/ca-certificates/../../../etc/passwd',
      '/etc/ssl/./certs/x.crt',
      '//etc/ssl/x.crt',
      'etc/ssl/x.crt',
      '',
      '/',
      '/etc/ssl/certs/',
      '/etc/ssl/x\0.crt',
      '/etc/ssl/..',
    ];
    for (const path of unsafe) {
      await assert.rejects(packFiles([{ path, content: 'x' }]), /not a plain absolute file path/, JSON.stringify(path));
    }
  });

  it('one unsafe path refuses the whole archive, so nothing of it is written', async () => {
    await assert.rejects(
      packFiles([
        { path: '/etc/ssl/certs/ok.crt', content: 'x' },
        { path: '/etc/ssl/../../tmp/x', content: 'y' },
      ]),
    );
  });

  it('a plain path becomes one file entry relative to /, owned by root, with no directory entries', async () => {
    const tar = await packFiles([
      { path: '/usr/local/share/ca-certificates/Corp_Root-1234abcd.crt', content: 'PEM', mode: 0o644 },
    ]);
    const entries = await unpackEntries(Readable.from([tar]));
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.mode, e.content.toString()]),
      [['usr/local/share/ca-certificates/Corp_Root-1234abcd.crt', 'file', 0o644, 'PEM']],
    );
  });

  it('names derived from hostile subjects never form a path', () => {
    const subjects = [
      '$(touch /tmp/pwned)\n../../etc/passwd ☃',
      '../../../../etc/shadow',
      '..',
      '.',
      '/',
      '`id`;rm -rf /',
      'a\0b',
      '\u202e\u0000\u001b[31m',
      'CN=x/../../y',
    ];
    for (const commonName of subjects) {
      const certificate = { commonName, subject: `CN=${commonName}`, fingerprint: 'ab'.repeat(32) } as Certificate;
      const name = certificateName(certificate);
      assert.match(name, /^[A-Za-z0-9][A-Za-z0-9._-]*-abababab$/, JSON.stringify(commonName));
      assert.ok(!name.includes('/') && name !== '..', name);
      assert.equal(installNames([certificate])[0]!.name, name);
    }
  });
});

describe('container output shown on a terminal', () => {
  it('escape sequences, line breaks and bidi overrides from a container are shown, not obeyed', () => {
    const hostile = 'update failed\u001b[2J\u001b]0;owned\u0007\nnext line \u202eevil';
    const line = printable(hostile);
    assert.equal(line, 'update failed\\u001b[2J\\u001b]0;owned\\u0007\\u000anext line \\u202eevil');
    const table = renderTable(['A', 'REASON'], [['c1', hostile]]);
    assert.doesNotMatch(table, /[\u0000-\u0009\u000b-\u001f\u202e]/);
    assert.equal(table.split('\n').length, 2);
  });
});
