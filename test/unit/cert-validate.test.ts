import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificates, parseCertificates } from '../../src/cert/load.js';
import { runAdd } from '../../src/commands/add/run.js';
import type { ContainerClient } from '../../src/docker/container-client.js';
import { UserError } from '../../src/errors.js';
import { daysFromNow, forgeCertificate, makeIntermediate, textFile } from '../support/cert-fixtures.js';
import { makeCa, makeServerCert, type TestCa } from '../support/pki.js';

const pem = (text: string) => Buffer.from(text);

/** A client that records every call: `add` must refuse bad input before it touches the engine. */
function recordingClient(calls: string[]): ContainerClient {
  const record = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} must not be called`);
  };
  return {
    endpoint: 'fake',
    ping: record('ping'),
    list: record('list'),
    inspect: record('inspect'),
    exec: record('exec'),
    getArchive: record('getArchive'),
    stat: record('stat'),
    putFiles: record('putFiles'),
    top: record('top'),
    restart: record('restart'),
  };
}

describe('certificate intake: validation before anything changes', function () {
  this.timeout(60_000);
  let dir: string;
  let root: TestCa;
  const expired = forgeCertificate({
    commonName: 'Expired CA',
    notBefore: daysFromNow(-400),
    notAfter: daysFromNow(-3.5),
  });
  const future = forgeCertificate({ commonName: 'Future CA', notBefore: daysFromNow(5), notAfter: daysFromNow(400) });
  const ending = forgeCertificate({
    commonName: 'Ending CA',
    notBefore: daysFromNow(-300),
    notAfter: daysFromNow(10.5),
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-validate-'));
    root = await makeCa('Validate Root CA', { dir });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses an expired certificate, naming the date and --allow-expired', () => {
    assert.throws(
      () => parseCertificates(pem(expired), 'old.crt', { validate: true }),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(
          error.message,
          /^old\.crt: "Expired CA" expired on \d{4}-\d\d-\d\d \(3 days ago\); .*--allow-expired\.$/,
        );
        return true;
      },
    );
  });

  it('refuses a not-yet-valid certificate', () => {
    assert.throws(
      () => parseCertificates(pem(future), 'new.crt', { validate: true }),
      /new\.crt: "Future CA" is not valid before .*clock.*--allow-expired/,
    );
  });

  it('accepts both with allowExpired, with a warning instead', () => {
    const loaded = parseCertificates(pem(expired + future), 'both.pem', { validate: true, allowExpired: true });
    assert.equal(loaded.certificates.length, 2);
    assert.match(loaded.warnings.join('\n'), /"Expired CA" expired on .*accepted: --allow-expired/);
    assert.match(loaded.warnings.join('\n'), /"Future CA" is not valid before .*accepted: --allow-expired/);
  });

  it('warns about a certificate that expires within 30 days, not about one that does not', () => {
    assert.match(
      parseCertificates(pem(ending), 'ending.crt', { validate: true }).warnings.join('\n'),
      /"Ending CA" expires on \d{4}-\d\d-\d\d, in 10 days/,
    );
    assert.deepEqual(parseCertificates(pem(root.pem), 'root.crt', { validate: true }).warnings, []);
  });

  it("refuses a certificate that is neither a CA nor self-signed (a server's own), naming its issuer and --allow-leaf", async () => {
    const server = await makeServerCert(root, 'validate-leaf');
    assert.throws(
      () => parseCertificates(pem(server.cert), 'leaf.crt', { validate: true }),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(
          error.message,
          /^leaf\.crt: "validate-leaf" is neither a CA certificate \(no basicConstraints CA:TRUE\) nor self-signed: .*; give the CA that issued it instead \(issuer: CN=Validate Root CA.*fetch-ca URL.*\), or pass --allow-leaf to trust this certificate alone\.$/,
        );
        return true;
      },
    );
    const allowed = parseCertificates(pem(server.cert), 'leaf.crt', { validate: true, allowLeaf: true });
    assert.equal(allowed.certificates.length, 1);
    assert.match(allowed.warnings.join('\n'), /"validate-leaf" is neither a CA .*accepted: --allow-leaf/);
  });

  it('only warns about a self-signed certificate without CA:TRUE: it can vouch for itself', () => {
    const selfSigned = forgeCertificate({
      commonName: 'Self Server',
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(100),
      ca: false,
    });
    const warnings = parseCertificates(pem(selfSigned), 'self.crt', { validate: true }).warnings.join('\n');
    assert.match(
      warnings,
      /"Self Server" is not a CA certificate \(no basicConstraints CA:TRUE\): it cannot vouch for other certificates/,
    );
  });

  it('add refuses a leaf before any engine is contacted, and with allowLeaf says so before it goes on', async () => {
    const server = await makeServerCert(root, 'add-leaf');
    const path = await textFile(dir, 'server.crt', server.cert);
    const calls: string[] = [];
    const selector = { names: ['c1'], labels: [], filters: [], all: false };
    await assert.rejects(
      runAdd({ certificate: path, selector, client: recordingClient(calls) }),
      /neither a CA certificate .*--allow-leaf/,
    );
    assert.deepEqual(calls, []);
    const seen: string[] = [];
    const onInputWarnings = (warnings: readonly string[]) =>
      seen.push(...warnings.map((w) => `${w} (calls so far: ${calls.length})`));
    await assert.rejects(
      runAdd({ certificate: path, selector, client: recordingClient(calls), allowLeaf: true, onInputWarnings }),
      /ping must not be called/,
    );
    assert.match(
      seen.join('\n'),
      /"add-leaf" is neither a CA .*accepted: --allow-leaf.*\(calls so far: 0\)/,
      'the warning came before the first engine call',
    );
  });

  it('warns about an intermediate given without its root, and not when the root comes with it', async () => {
    const intermediate = await makeIntermediate(root, 'Validate Intermediate CA');
    assert.match(
      parseCertificates(pem(intermediate.pem), 'int.crt', { validate: true }).warnings.join('\n'),
      /is an intermediate CA \(issued by CN=Validate Root CA/,
    );
    assert.deepEqual(parseCertificates(pem(intermediate.pem + root.pem), 'chain.pem', { validate: true }).warnings, []);
  });

  it('warns when the input looks like a whole CA bundle', () => {
    const many = Array.from({ length: 21 }, (_, i) =>
      forgeCertificate({ commonName: `Bundle CA ${i}`, notBefore: daysFromNow(-1), notAfter: daysFromNow(100) }),
    );
    assert.match(
      parseCertificates(pem(many.join('')), 'bundle.pem', { validate: true }).warnings.join('\n'),
      /21 certificates: this looks like a whole CA bundle/,
    );
  });

  it('add refuses an expired certificate before it contacts the engine, and takes it with allowExpired', async () => {
    const path = await textFile(dir, 'expired.crt', expired);
    const calls: string[] = [];
    await assert.rejects(
      runAdd({
        certificate: path,
        selector: { names: ['c1'], labels: [], filters: [], all: false },
        client: recordingClient(calls),
      }),
      /expired on/,
    );
    assert.deepEqual(calls, []);
    await assert.rejects(
      runAdd({
        certificate: path,
        selector: { names: ['c1'], labels: [], filters: [], all: false },
        client: recordingClient(calls),
        allowExpired: true,
      }),
      /ping must not be called/,
    );
    assert.deepEqual(calls, ['ping']);
  });

  it('loadCertificates applies the same checks when asked, and only reads otherwise (as the registry commands use it)', async () => {
    const path = await textFile(dir, 'future.crt', future);
    await assert.rejects(loadCertificates(path, { validate: true }), UserError);
    assert.equal((await loadCertificates(path, { validate: true, allowExpired: true })).certificates.length, 1);
    assert.deepEqual((await loadCertificates(path)).warnings, []);
  });
});
