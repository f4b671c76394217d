import assert from 'node:assert/strict';
import { execIn, testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { copyOut } from '../support/trust-checks.js';
import { runJson, trustpatch } from '../support/cli.js';
import type { AddDoc, RemoveDoc, StatusDoc } from '../support/json-docs.js';
import { caFixture } from '../support/fixture.js';

// A virtualenv whose certifi copies read their own cacert.pem, as upstream certifi and pip do
// (python:3.x images, pip-installed certifi). Debian patches both copies to return the system
// bundle ("# Debian: Use system CA certs"); that override is cut off, the rest is the real code.
const MAKE_VENV = `
import pathlib, shutil, subprocess, sys
subprocess.run([sys.executable, '-m', 'venv', '/opt/venv'], check=True)
site = next(pathlib.Path('/opt/venv/lib').glob('python3*/site-packages'))
vendored = site / 'pip/_vendor/certifi'
core = vendored / 'core.py'
core.write_text(core.read_text().split('# Debian: Use system CA certs:')[0])
shutil.copytree(vendored, site / 'certifi', ignore=shutil.ignore_patterns('__pycache__'))
standalone = site / 'certifi/core.py'
standalone.write_text(standalone.read_text().replace('pip._vendor.certifi', 'certifi'))
print(site)
`;

// What requests does: verify with certifi.where(); and pip's own vendored requests.
const WITH_CERTIFI =
  'import certifi, ssl, sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10, context=ssl.create_default_context(cafile=certifi.where())); print(certifi.where())';
const WITH_PIP_REQUESTS =
  'import sys; from pip._vendor import requests; requests.get(sys.argv[1], timeout=10); print(requests.certs.where())';

describe("Python certifi stores: a virtualenv's certifi and pip's vendored copy, checked with that Python", function () {
  const fx = caFixture('Python Store Root');
  after(async () => {});

  it('appends the CA with a marker to each certifi file its Python uses (not to Debian-patched ones), and remove restores them byte for byte', async () => {
    const id = await fx.start(testImage('debian-python'));
    const made = await execIn(id, ['python3', '-c', MAKE_VENV]);
    assert.equal(made.code, 0, made.stderr);
    const site = made.stdout.trim();
    const certifiFile = `${site}/certifi/cacert.pem`;
    const pipFile = `${site}/pip/_vendor/certifi/cacert.pem`;
    const systemPip = '/usr/lib/python3/dist-packages/pip/_vendor/certifi/cacert.pem';
    const originals = {
      certifi: (await copyOut(id, certifiFile))!,
      pip: (await copyOut(id, pipFile))!,
      system: (await copyOut(id, systemPip))!,
    };
    const before = await execIn(id, ['/opt/venv/bin/python', '-c', WITH_CERTIFI, fx.server.url]);
    assert.notEqual(before.code, 0);
    assert.match(before.stderr, /CERTIFICATE_VERIFY_FAILED/);
    assert.match(
      (await execIn(id, ['/opt/venv/bin/python', '-c', WITH_PIP_REQUESTS, fx.server.url])).stderr,
      /CERTIFICATE_VERIFY_FAILED/,
    );

    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id, '--check-url', fx.server.url]);
    assert.equal(add.code, 0, add.output);
    const stores = add.doc.containers[0]!.stores.map((s) => [s.path, s.action]);
    assert.deepEqual(
      stores
        .filter(([, action]) => action === 'added')
        .map(([path]) => path)
        .sort(),
      [certifiFile, pipFile].sort(),
      add.output,
    );
    assert.deepEqual(
      stores.find(([path]) => path === systemPip),
      [systemPip, 'covered'],
      "Debian's pip returns the system bundle: left to the system patch",
    );
    const fp = await opensslFingerprint(fx.ca.certPath);
    assert.equal(
      await copyOut(id, certifiFile),
      `${originals.certifi}# trustpatch ${fp}\n${fx.ca.pem}`,
      'the CA after a marker line, appended',
    );
    assert.equal(await copyOut(id, systemPip), originals.system, 'the unused copy is not touched');

    const withCertifi = await execIn(id, ['/opt/venv/bin/python', '-c', WITH_CERTIFI, fx.server.url]);
    assert.equal(withCertifi.code, 0, withCertifi.stderr);
    assert.equal(withCertifi.stdout.trim(), certifiFile, 'the Python really read that file');
    const withPip = await execIn(id, ['/opt/venv/bin/python', '-c', WITH_PIP_REQUESTS, fx.server.url]);
    assert.equal(withPip.code, 0, withPip.stderr);
    assert.equal(withPip.stdout.trim(), pipFile);

    const status = await runJson<StatusDoc>(['status', id]);
    assert.equal(status.doc.containers[0]!.status, 'complete', status.output);
    assert.deepEqual(
      status.doc.containers[0]!.certificates[0]!.stores.filter((s) => s.store === 'certifi')
        .map((s) => [s.path, s.present])
        .sort(),
      [
        [certifiFile, true],
        [pipFile, true],
      ].sort(),
    );

    const dockerfile = await trustpatch(['dockerfile', fx.ca.certPath, id]);
    assert.equal(dockerfile.code, 0, dockerfile.stderr);
    assert.match(
      dockerfile.stdout,
      new RegExp(`# trustpatch ${fp}.*>> ${certifiFile.replace(/\./g, '\\.')}$`, 'm'),
      'the Dockerfile appends to the store found',
    );
    assert.ok(!dockerfile.stdout.includes(systemPip), "and not to Debian's patched copy");

    const removed = await runJson<RemoveDoc>(['remove', fx.ca.certPath, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.deepEqual([...removed.doc.containers[0]!.removed[0]!.certifi].sort(), [certifiFile, pipFile].sort());
    assert.equal(await copyOut(id, certifiFile), originals.certifi, 'byte-identical after remove');
    assert.equal(await copyOut(id, pipFile), originals.pip);
    assert.match(
      (await execIn(id, ['/opt/venv/bin/python', '-c', WITH_CERTIFI, fx.server.url])).stderr,
      /CERTIFICATE_VERIFY_FAILED/,
      'the Python rejects the server again',
    );
  });
});
