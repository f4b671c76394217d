import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { aftercareLines } from '../../src/commands/add/aftercare.js';
import { runDockerfile } from '../../src/commands/dockerfile/run.js';
import type { ContainerResult } from '../../src/types.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

describe('dockerfile: every family the detection knows, every package manager it tries', () => {
  let ca: TestCa;
  before(async () => {
    ca = await makeCa('Families Dockerfile CA');
  });
  after(async () => removeCa(ca));

  it('rhel: dnf, else microdnf (UBI minimal), else yum, as add tries them; the chain is valid sh', async () => {
    const { lines } = await runDockerfile({ certificate: ca.certPath, family: 'rhel' });
    const run = lines.find((line) => line.startsWith('RUN '))!;
    assert.match(
      run,
      /^RUN if \[ -x \/usr\/bin\/dnf \]; then \/usr\/bin\/dnf -y install ca-certificates; elif \[ -x \/usr\/bin\/microdnf \]; then \/usr\/bin\/microdnf install -y ca-certificates; elif \[ -x \/usr\/bin\/yum \]; then \/usr\/bin\/yum -y install ca-certificates; else .*exit 1; fi \\\n && \/usr\/bin\/update-ca-trust extract$/,
    );
    const syntax = spawnSync('sh', ['-n', '-c', run.slice('RUN '.length).replace(' \\\n', ' ')]);
    assert.equal(syntax.status, 0, syntax.stderr.toString());
  });

  it('accepts each os-release ID the detection maps to a family (ubuntu, rocky, wolfi, opensuse-leap ...)', async () => {
    for (const [id, family] of [
      ['ubuntu', 'debian'],
      ['rocky', 'rhel'],
      ['fedora', 'rhel'],
      ['wolfi', 'alpine'],
      ['opensuse-leap', 'suse'],
      ['Ubuntu', 'debian'],
    ] as const) {
      assert.equal((await runDockerfile({ certificate: ca.certPath, family: id })).family, family, id);
    }
    await assert.rejects(
      runDockerfile({ certificate: ca.certPath, family: 'gentoo' }),
      /--family "gentoo": use one of debian, alpine, rhel, suse, arch, photon, generic, or an os-release ID of one \(ubuntu, /,
    );
  });

  it('one manager at several paths keeps one line (Alpine /sbin/apk, Wolfi /usr/bin/apk)', async () => {
    const { lines } = await runDockerfile({ certificate: ca.certPath, family: 'alpine' });
    assert.ok(
      lines.includes('RUN /sbin/apk add --no-cache ca-certificates \\\n && /usr/sbin/update-ca-certificates'),
      lines.join('\n'),
    );
  });

  it('after a run over several families, the persistence note names a command for each', () => {
    const base = {
      image: 'i',
      method: 'update-command' as const,
      warnings: [],
      durationMs: 1,
      check: { before: [], after: [] },
    };
    const results: ContainerResult[] = [
      { ...base, id: 'a', name: 'web', family: 'debian', status: 'patched' },
      { ...base, id: 'b', name: 'cache', family: 'alpine', status: 'patched' },
      { ...base, id: 'c', name: 'api', family: 'debian', status: 'patched' },
      { ...base, id: 'd', name: 'db', family: 'rhel', status: 'already-trusted' },
    ];
    assert.deepEqual(aftercareLines(results, 'ca.pem'), [
      'note: a recreated container loses these changes; `trustpatch dockerfile ca.pem --family debian` and `trustpatch dockerfile ca.pem --family alpine` print the Dockerfile lines that make them permanent, and `trustpatch image add ca.pem i` writes an image that keeps them (`trustpatch image add --help`)',
    ]);
    assert.deepEqual(aftercareLines(results.slice(0, 1), 'ca.pem'), [
      'note: a recreated container loses these changes; `trustpatch dockerfile ca.pem --family debian` prints the Dockerfile lines that make them permanent, and `trustpatch image add ca.pem i` writes an image that keeps them (`trustpatch image add --help`)',
    ]);
  });
});
