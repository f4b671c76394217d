import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';
import { assertValidDocument, SCHEMA_PATH } from '../support/schema.js';

/** The engine-free commands' --json, validated against the published schema; the others in test/integration/json-schema.test.ts. */
describe('--json documents match the published JSON Schema (engine-free commands)', () => {
  let ca: TestCa;
  let dir: string;
  before(async () => {
    ca = await makeCa('Schema Test CA');
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-schema-'));
  });
  after(async () => {
    await removeCa(ca);
    await rm(dir, { recursive: true, force: true });
  });

  async function document(argv: string[]): Promise<Record<string, unknown>> {
    const io = captureIo({});
    const code = await main(argv, io);
    assert.ok(code === 0 || code === 1, `${argv.join(' ')}: exit ${code}\n${io.err()}`);
    return JSON.parse(io.out()) as Record<string, unknown>;
  }

  it('inspect, registry add, registry lint, registry client-cert: one envelope, valid', async () => {
    const certsDir = join(dir, 'certs.d');
    const docs = {
      inspect: await document(['inspect', ca.certPath, '--json']),
      'registry add': await document([
        'registry',
        'add',
        'registry.test:5000',
        '--ca',
        ca.certPath,
        '--certs-dir',
        certsDir,
        '--json',
      ]),
      'registry client-cert': await document([
        'registry',
        'client-cert',
        '--ca-cert',
        ca.certPath,
        '--ca-key',
        ca.keyPath,
        '--cn',
        'ci',
        '-o',
        join(certsDir, 'registry.test:5000'),
        '--json',
      ]),
      'registry lint': await document(['registry', 'lint', certsDir, '--json']),
    };
    for (const [command, doc] of Object.entries(docs)) {
      assertValidDocument(doc, command);
      assert.deepEqual([doc.schemaVersion, doc.command, doc.engines], [1, command, []], command);
    }
    const inspected = (docs.inspect.certificates as { fingerprint: string }[])[0]!;
    assert.match(
      inspected.fingerprint,
      /^[0-9a-f]{64}$/,
      'inspect prints the fingerprint as lower-case hex like every other command',
    );
  });

  it('the schema can fail: an unknown field, a colon fingerprint, a missing envelope are refused', async () => {
    const good = await document(['inspect', ca.certPath, '--json']);
    assert.doesNotThrow(() => assertValidDocument(good, 'inspect'));
    const certificate = (good.certificates as Record<string, unknown>[])[0]!;
    const bad: [string, unknown][] = [
      ['an undocumented field', { ...good, extra: 1 }],
      [
        'the colon form of a fingerprint',
        {
          ...good,
          certificates: [
            { ...certificate, fingerprint: (certificate.fingerprint as string).toUpperCase().match(/../g)!.join(':') },
          ],
        },
      ],
      ['no schemaVersion', Object.fromEntries(Object.entries(good).filter(([key]) => key !== 'schemaVersion'))],
      ['an unknown command', { ...good, command: 'frobnicate' }],
    ];
    for (const [what, doc] of bad) assert.throws(() => assertValidDocument(doc, what), /does not match/, what);
  });

  it('one document definition per command that prints --json', async () => {
    const schema = JSON.parse(await readFile(SCHEMA_PATH, 'utf8')) as { oneOf: { $ref: string }[] };
    assert.deepEqual(
      schema.oneOf.map((r) => r.$ref.replace('#/$defs/', '')),
      [
        'addDocument',
        'checkDocument',
        'removeDocument',
        'statusDocument',
        'inspectDocument',
        'registryAddDocument',
        'registryLintDocument',
        'registryClientCertDocument',
      ],
    );
  });
});
