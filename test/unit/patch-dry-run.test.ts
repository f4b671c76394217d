import assert from 'node:assert/strict';
import { parseCertificates } from '../../src/cert/load.js';
import { debian } from '../../src/distro/families.js';
import { patchContainer, type PatchContext } from '../../src/patch/patch-container.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDistro } from '../support/fake-distro.js';
import { distroAndCorpCas } from '../support/pki.js';

const URL_IP = 'https://127.0.0.1:8443/';
const MAIN = '/etc/ssl/certs/ca-certificates.crt';
const ANCHOR = '/usr/local/share/ca-certificates/Corp.crt';

describe('containers left alone: skipped states and --dry-run (fake engine)', () => {
  const cas = distroAndCorpCas();

  function context(client: FakeClient, options: Partial<PatchContext['options']> = {}): PatchContext {
    const [certificate] = parseCertificates(Buffer.from(cas.corp.pem), 'cas.corp.pem').certificates;
    return {
      client,
      certificates: [{ certificate: certificate!, name: 'Corp' }],
      options: { checkUrls: [URL_IP], install: 'auto', timeoutMs: 1000, ...options },
    };
  }
  const trusts = (bundle: string) => bundle.includes(cas.corp.pem);

  it('skips a container of a non-Linux platform, and a restarting one, with the reason', async () => {
    const client = new FakeClient();
    const c = client.add(fakeDistro('c1', debian, { osRelease: 'ID=debian\n' }));
    const windows = await patchContainer(context(client), { ...c.info, platform: 'windows' });
    assert.equal(
      windows.status === 'skipped' && windows.reason,
      'container platform is windows: only Linux trust stores can be patched',
    );
    const restarting = await patchContainer(context(client), {
      ...c.info,
      running: false,
      restarting: true,
      state: 'restarting',
    });
    assert.equal(restarting.status === 'skipped' && restarting.reason, 'container is restarting');
    assert.deepEqual([c.writes, c.execs], [[], []]);
  });

  it('--dry-run prints family, files, commands and check, and changes nothing', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, {
        osRelease: 'ID=debian\n',
        distroPems: [cas.distro.pem],
        update: false,
        clients: { '/usr/bin/curl': trusts },
      }),
    );
    const result = await patchContainer(context(client, { dryRun: true }), c.info);
    assert.equal(result.status, 'planned');
    assert.deepEqual(result.status === 'planned' && result.plan, {
      family: 'debian',
      files: [MAIN, ANCHOR],
      commands: [
        ['/usr/bin/apt-get', 'update', '-qq'],
        ['/usr/bin/apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'ca-certificates'],
        ['/usr/sbin/update-ca-certificates'],
      ],
      check: 'curl',
    });
    assert.deepEqual([c.writes, c.execs], [[], []]);
  });
  it('--dry-run on a container that already trusts the CA reports already trusted and runs nothing', async () => {
    const client = new FakeClient();
    const c = client.add(
      fakeDistro('c1', debian, { osRelease: 'ID=debian\n', distroPems: [cas.distro.pem, cas.corp.pem] }),
    );
    c.write(ANCHOR, cas.corp.pem);
    const result = await patchContainer(context(client, { dryRun: true }), c.info);
    assert.equal(result.status, 'already-trusted');
    assert.deepEqual([c.writes, c.execs], [[], []]);
  });
});
