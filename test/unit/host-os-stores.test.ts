import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadCertificates } from '../../src/cert/load.js';
import { installNames } from '../../src/cert/name.js';
import { osHostAdd, osHostRemove, osHostStatus, sha1Of, type OsHostDeps } from '../../src/host/os-host.js';
import { MACOS, osStoreFor, WINDOWS, type OsStore } from '../../src/host/os-stores.js';
import { resolveTarget } from '../../src/undo/target.js';
import { makeCa, openssl, removeCa, type TestCa } from '../support/pki.js';

// Shaped after the tools' documented output: `security find-certificate -a -Z` (SHA-256 and
// SHA-1 lines, then the item) and `certutil -store Root` (current and older hash formats).
const SECURITY_LISTING = (sha1s: string[]) =>
  sha1s
    .map(
      (h) =>
        `SHA-256 hash: ${'AB'.repeat(32)}\nSHA-1 hash: ${h}\nkeychain: "/Library/Keychains/System.keychain"\nversion: 256\nclass: 0x80001000\nattributes:\n    "alis"<blob>="Some CA"\n    "labl"<blob>="Some CA"\n`,
    )
    .join('');
const CERTUTIL_LISTING = (sha1s: string[]) =>
  `Root "Trusted Root Certification Authorities"\r\n${sha1s
    .map(
      (h, i) =>
        `================ Certificate ${i} ================\r\nSerial Number: 79ad16a14aa0a5ad4c7358f407132e65\r\nIssuer: CN=Some Root\r\n NotBefore: 5/9/2001 4:19 PM\r\n NotAfter: 5/9/2031 4:28 PM\r\nSubject: CN=Some Root\r\nSignature matches Public Key\r\nRoot Certificate: Subject matches Issuer\r\nCert Hash(sha1): ${i % 2 === 0 ? h.toLowerCase() : h.toLowerCase().match(/../g)!.join(' ')}\r\nNo key provider information\r\n`,
    )
    .join('')}CertUtil: -store command completed successfully.\r\n`;

/** A store in memory that answers the platform's argv like the tool would, with a record file. */
function fakeMachine(store: OsStore, initial: string[]) {
  const held = new Set(initial);
  const runs: string[][] = [];
  const files = new Map<string, string>();
  const deps: OsHostDeps = {
    env: { ProgramData: 'C:\\ProgramData' },
    run: async (argv) => {
      runs.push([...argv]);
      if (argv.join(' ') === store.listArgv().join(' '))
        return { exitCode: 0, stdout: (store === MACOS ? SECURITY_LISTING : CERTUTIL_LISTING)([...held]), stderr: '' };
      const file = argv[argv.length - 1]!;
      if (argv.join(' ') === store.addArgv(file).join(' ')) {
        const der = Buffer.from((await readFile(file, 'utf8')).replace(/-----[^-]+-----|\s/g, ''), 'base64');
        held.add(sha1Of({ der }));
        return { exitCode: 0, stdout: '', stderr: '' };
      }
      const sha1 = argv.find((a) => /^[0-9A-F]{40}$/.test(a));
      if (sha1 && argv.join(' ') === store.removeArgv(sha1).join(' '))
        return held.delete(sha1)
          ? { exitCode: 0, stdout: '', stderr: '' }
          : { exitCode: 1, stdout: '', stderr: 'not found' };
      return { exitCode: 127, stdout: '', stderr: 'unexpected command' };
    },
    readRecord: async (path) => files.get(path),
    writeRecord: async (path, text) => void files.set(path, text),
  };
  return { held, runs, files, deps };
}

describe('host on macOS and Windows: exact command lines and their output (untested on real machines)', () => {
  let ca: TestCa;
  let sha1: string;

  before(async () => {
    ca = await makeCa('OS Store Test CA');
    sha1 = (await openssl(['x509', '-in', ca.certPath, '-noout', '-fingerprint', '-sha1']))
      .trim()
      .split('=')[1]!
      .replace(/:/g, '');
  });
  after(async () => removeCa(ca));

  it('macOS: security add-trusted-cert into the System keychain as a root, delete and list by SHA-1', () => {
    assert.deepEqual(MACOS.addArgv('/tmp/x/ca.crt'), [
      '/usr/bin/security',
      'add-trusted-cert',
      '-d',
      '-r',
      'trustRoot',
      '-k',
      '/Library/Keychains/System.keychain',
      '/tmp/x/ca.crt',
    ]);
    assert.deepEqual(MACOS.removeArgv('AB'.repeat(20)), [
      '/usr/bin/security',
      'delete-certificate',
      '-Z',
      'AB'.repeat(20),
      '/Library/Keychains/System.keychain',
    ]);
    assert.deepEqual(MACOS.listArgv(), [
      '/usr/bin/security',
      'find-certificate',
      '-a',
      '-Z',
      '/Library/Keychains/System.keychain',
    ]);
    assert.deepEqual(
      MACOS.parseListing(SECURITY_LISTING(['0123456789abcdef0123456789ABCDEF01234567', 'F'.repeat(40)])),
      ['0123456789ABCDEF0123456789ABCDEF01234567', 'F'.repeat(40)],
    );
    assert.equal(osStoreFor('darwin'), MACOS);
  });

  it('Windows: certutil -addstore -f Root, -delstore Root by thumbprint, -store Root in both hash formats', () => {
    assert.deepEqual(WINDOWS.addArgv('C:\\t\\ca.crt'), ['certutil', '-addstore', '-f', 'Root', 'C:\\t\\ca.crt']);
    assert.deepEqual(WINDOWS.removeArgv('AB'.repeat(20)), ['certutil', '-delstore', 'Root', 'AB'.repeat(20)]);
    assert.deepEqual(WINDOWS.listArgv(), ['certutil', '-store', 'Root']);
    assert.deepEqual(
      WINDOWS.parseListing(
        CERTUTIL_LISTING(['CDD4EEAE6000AC7F40C3802C171E30148030C072', 'BE36A4562FB2EE05DBB3D32323ADF445084ED656']),
      ),
      ['CDD4EEAE6000AC7F40C3802C171E30148030C072', 'BE36A4562FB2EE05DBB3D32323ADF445084ED656'],
    );
    assert.equal(WINDOWS.recordPath({ ProgramData: 'D:\\PD' }), 'D:\\PD\\trustpatch\\host.json');
    assert.equal(osStoreFor('win32'), WINDOWS);
    assert.equal(osStoreFor('linux'), undefined);
  });

  for (const store of [MACOS, WINDOWS]) {
    it(`${store.id}: add, a second add, status and remove run exactly these commands and keep a record`, async () => {
      const machine = fakeMachine(store, ['1'.repeat(40)]);
      const certificates = installNames((await loadCertificates(ca.certPath)).certificates);
      assert.equal(sha1Of(certificates[0]!.certificate), sha1);
      assert.deepEqual(
        (await osHostAdd(store, certificates, machine.deps)).map((o) => o.status),
        ['added'],
      );
      assert.ok(machine.held.has(sha1));
      assert.deepEqual(
        machine.runs.map((argv) => argv.slice(0, 3)),
        [store.listArgv().slice(0, 3), store.addArgv('F').slice(0, 3), store.listArgv().slice(0, 3)],
      );
      const record = JSON.parse(machine.files.get(store.recordPath(machine.deps.env))!);
      assert.deepEqual(
        record.entries.map((e: { sha1: string }) => e.sha1),
        [sha1],
      );
      assert.deepEqual(
        (await osHostAdd(store, certificates, machine.deps)).map((o) => o.status),
        ['already-trusted'],
      );
      assert.deepEqual(
        (await osHostStatus(store, machine.deps)).map((o) => o.status),
        ['recorded'],
      );
      machine.runs.length = 0;
      assert.deepEqual(
        (await osHostRemove(store, await resolveTarget(ca.certPath), machine.deps)).map((o) => o.status),
        ['removed'],
      );
      assert.deepEqual(machine.runs, [store.listArgv(), store.removeArgv(sha1), store.listArgv()]);
      assert.deepEqual([...machine.held], ['1'.repeat(40)]);
      assert.deepEqual(JSON.parse(machine.files.get(store.recordPath(machine.deps.env))!).entries, []);
    });
  }

  it('remove never deletes a CA it has no record of adding; a failing tool is a failed outcome naming the command', async () => {
    const machine = fakeMachine(MACOS, [sha1]);
    const outcomes = await osHostRemove(MACOS, await resolveTarget(ca.certPath), machine.deps);
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.detail]),
      [['not-present', 'trustpatch has no record of adding it: left as it is']],
    );
    assert.ok(machine.held.has(sha1));
    assert.ok(machine.runs.every((argv) => argv[1] === 'find-certificate'));

    const refusing = fakeMachine(WINDOWS, ['1'.repeat(40)]);
    const run = refusing.deps.run;
    refusing.deps.run = async (argv) =>
      argv[1] === '-addstore'
        ? {
            exitCode: 5,
            stdout: 'CertUtil: -addstore command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)',
            stderr: '',
          }
        : run(argv);
    const [failed] = await osHostAdd(
      WINDOWS,
      installNames((await loadCertificates(ca.certPath)).certificates),
      refusing.deps,
    );
    assert.equal(failed!.status, 'failed');
    assert.match(
      failed!.detail!,
      /`certutil -addstore -f Root .*\.crt` exited with 5: CertUtil: -addstore command FAILED.*elevated \(Administrator\) prompt/,
    );
    assert.equal(refusing.files.size, 0, 'a failed add wrote a record');
  });

  it('a listing it cannot read (a translated certutil) changes nothing', async () => {
    const machine = fakeMachine(WINDOWS, []);
    machine.deps.run = async (argv) => {
      machine.runs.push([...argv]);
      return {
        exitCode: 0,
        stdout: '================ Zertifikat 0 ================\r\nZert-Hash(sha1): cd d4 ee\r\n',
        stderr: '',
      };
    };
    await assert.rejects(
      osHostAdd(WINDOWS, installNames((await loadCertificates(ca.certPath)).certificates), machine.deps),
      /could not read any certificate in the output of `certutil -store Root`.*nothing was changed/,
    );
    assert.deepEqual(machine.runs, [WINDOWS.listArgv()]);
  });
});
