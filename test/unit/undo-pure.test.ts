import assert from 'node:assert/strict';
import { debian, generic } from '../../src/distro/families.js';
import { dockerfileLines } from '../../src/record/dockerfile.js';
import { mergeEntries, parseManifest, serializeManifest, type ManifestEntry } from '../../src/record/manifest.js';
import { looksLikeGo } from '../../src/runtimes/go-binary.js';
import { parseScan } from '../../src/runtimes/scan.js';
import { certifiAppend, certifiLocation } from '../../src/app-stores/certifi.js';
import { parseKeytoolList } from '../../src/app-stores/java.js';
import { parseStores } from '../../src/app-stores/types.js';
import { stripAppended } from '../../src/undo/strip.js';
import { matchEntries, resolveTarget } from '../../src/undo/target.js';

const FP = 'ab'.repeat(32);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function entry(overrides: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    fingerprint: FP,
    subject: 'CN=Corp',
    name: 'Corp-abababab',
    family: 'debian',
    method: 'update-command',
    anchor: '/usr/local/share/ca-certificates/Corp-abababab.crt',
    bundles: [],
    certifi: [],
    java: [],
    commands: [],
    addedAt: '2026-01-01T00:00:00.000Z',
    trustpatchVersion: '0.1.0',
    ...overrides,
  };
}

describe('undo building blocks (pure)', () => {
  it('a manifest round-trips, refuses other schema versions, and merging keeps one entry per certificate', () => {
    const manifest = { schemaVersion: 1, entries: [entry()] };
    assert.deepEqual(parseManifest(serializeManifest(manifest)), manifest);
    assert.throws(() => parseManifest('{"schemaVersion":2,"entries":[]}'), /schema version 2/);
    assert.throws(() => parseManifest('[]'), /not a trustpatch manifest/);
    const merged = mergeEntries(manifest, [
      entry({
        certifi: [{ path: '/v/cacert.pem', text: 'x', python: '/v/bin/python' }],
        addedAt: '2026-02-02T00:00:00.000Z',
      }),
    ]);
    assert.equal(merged.entries.length, 1);
    assert.deepEqual(
      merged.entries[0]!.certifi.map((c) => c.path),
      ['/v/cacert.pem'],
    );
    assert.equal(merged.entries[0]!.addedAt, '2026-01-01T00:00:00.000Z', 'the first addition time is kept');
  });

  it('strips exactly the appended bytes, else the PEM trustpatch wrote, and nothing written in another form', () => {
    const base = '-----BEGIN CERTIFICATE-----\nOLD\n-----END CERTIFICATE-----';
    const appended = `\n${PEM}`;
    assert.equal(stripAppended(base + appended, appended), base, 'byte for byte, the missing newline included');
    assert.equal(
      stripAppended(`${PEM}other\n`, appended),
      'other\n',
      'without the newline it put before it, the PEM alone',
    );
    const marked = certifiAppend(`${base}\n`, FP, PEM);
    assert.equal(marked, `# trustpatch ${FP}\n${PEM}`);
    assert.equal(stripAppended(`${base}\n${marked}`, marked), `${base}\n`);
    assert.equal(stripAppended(base, appended), undefined, 'nothing of it there: nothing cut');
    assert.equal(stripAppended(PEM.replace('MIIB', 'MIIC'), appended), undefined);
  });

  it('reads remove targets: fingerprints with colons or a prefix, names; refuses the rest', async () => {
    assert.deepEqual(await resolveTarget('AB:AB:AB:AB:AB'), {
      kind: 'fingerprint',
      label: 'AB:AB:AB:AB:AB',
      prefix: 'ababababab',
    });
    assert.deepEqual(await resolveTarget('Corp-abababab.crt'), {
      kind: 'name',
      label: 'Corp-abababab.crt',
      name: 'Corp-abababab',
    });
    await assert.rejects(resolveTarget('../etc/passwd'), /not a certificate file, a SHA-256 fingerprint/);
    await assert.rejects(resolveTarget('/no/such/file.pem'), /not a certificate file/);
    const two = [entry(), entry({ fingerprint: `${'ab'.repeat(8)}${'cd'.repeat(24)}`, name: 'Other' })];
    assert.match(
      String(matchEntries(two, { kind: 'fingerprint', label: 'abababab', prefix: 'abababab' })),
      /matches 2 certificates here .*give more digits/,
    );
    assert.equal((matchEntries(two, { kind: 'fingerprint', label: 'x', prefix: FP }) as ManifestEntry[]).length, 1);
    assert.deepEqual(
      (matchEntries(two, { kind: 'name', label: 'Other', name: 'Other' }) as ManifestEntry[]).map((e) => e.name),
      ['Other'],
    );
  });

  it('--stores takes system, certifi, java, all; anything else is an input error', () => {
    assert.deepEqual(parseStores([]), ['system', 'certifi', 'java']);
    assert.deepEqual(parseStores(['java,system']), ['system', 'java']);
    assert.throws(() => parseStores(['node']), /--stores "node": use system, certifi, java/);
  });

  it('parses the /proc scan: pid, exe, command, trust variables, start time from btime and starttime', () => {
    const stat = '7 (node main) S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 7 0 12345 1000 100 1844 0 0 0';
    const scan = parseScan(
      [
        'btime 1700000000',
        '@ 7',
        'exe /usr/bin/node',
        'cmd node server.js',
        `stat ${stat}`,
        'uid 1000',
        'envok',
        'env NODE_EXTRA_CA_CERTS=/x.crt',
        '@ 9',
        'exe ',
        'cmd sleep 1',
        '',
      ].join('\n'),
    );
    assert.deepEqual(scan[0], {
      pid: 7,
      uid: 1000,
      exe: '/usr/bin/node',
      command: 'node server.js',
      env: { NODE_EXTRA_CA_CERTS: '/x.crt' },
      startedAt: new Date((1700000000 + 123.45) * 1000),
    });
    assert.deepEqual(
      [scan[1]!.exe, scan[1]!.env],
      [undefined, undefined],
      'environment not readable: unknown, not empty',
    );
  });

  it('tells a Go binary by its build ID note; keytool fingerprints; certifi locations and their Pythons', () => {
    const note = Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
      Buffer.alloc(200),
      Buffer.from([4, 0, 0, 0, 83, 0, 0, 0, 4, 0, 0, 0]),
      Buffer.from('Go\0\0abc/def', 'latin1'),
    ]);
    assert.equal(looksLikeGo(note.toString('utf8')), true);
    assert.equal(looksLikeGo(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x47, 0x6f]).toString('utf8')), false);
    assert.deepEqual(
      parseKeytoolList('corp, Jan 1, 2026, trustedCertEntry,\nCertificate fingerprint (SHA-256): AB:CD:EF\n'),
      ['abcdef'],
    );
    assert.deepEqual(certifiLocation('/opt/venv/lib/python3.11/site-packages/pip/_vendor/certifi/cacert.pem'), {
      site: '/opt/venv/lib/python3.11/site-packages',
      module: 'pip._vendor.certifi',
      pythons: ['/opt/venv/bin/python3.11', '/opt/venv/bin/python3', '/opt/venv/bin/python'],
    });
    assert.deepEqual(certifiLocation('/usr/lib/python3/dist-packages/certifi/cacert.pem')?.pythons, [
      '/usr/bin/python3',
      '/usr/bin/python',
    ]);
    assert.equal(certifiLocation('/srv/app/certifi/cacert.pem'), undefined);
  });

  it('prints Dockerfile lines from the family record: COPY, install, update, certifi and Java steps, back to the user', () => {
    const lines = dockerfileLines({
      family: debian,
      certificates: [{ name: 'Corp-abababab', fingerprint: FP, subject: 'CN=Corp' }],
      certifi: ['/opt/venv/x/cacert.pem'],
      java: [{ keystore: '/opt/jdk/lib/security/cacerts', keytool: '/opt/jdk/bin/keytool' }],
      node: true,
      user: 'app',
    });
    const text = lines.join('\n');
    assert.match(text, /^USER root$/m);
    assert.match(text, /^COPY Corp-abababab\.crt \/usr\/local\/share\/ca-certificates\/Corp-abababab\.crt$/m);
    assert.match(
      text,
      /DEBIAN_FRONTEND=noninteractive \/usr\/bin\/apt-get install .*ca-certificates[\s\S]*\/usr\/sbin\/update-ca-certificates/,
    );
    assert.match(text, new RegExp(`# trustpatch ${FP}.*>> /opt/venv/x/cacert.pem`));
    assert.match(
      text,
      /\/opt\/jdk\/bin\/keytool -importcert -noprompt -keystore \/opt\/jdk\/lib\/security\/cacerts .*-alias trustpatch-abababababababab/,
    );
    assert.match(text, /^ENV NODE_EXTRA_CA_CERTS=\/usr\/local\/share\/ca-certificates\/Corp-abababab\.crt$/m);
    assert.equal(lines.at(-1), 'USER app');
    const distroless = dockerfileLines({
      family: generic,
      certificates: [{ name: 'Corp', fingerprint: FP, subject: 'CN=Corp' }],
      certifi: [],
      java: [],
      node: false,
      user: '',
    }).join('\n');
    assert.match(
      distroless,
      /COPY --from=trustpatch-ca \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\/ca-certificates\.crt/,
    );
  });
});
