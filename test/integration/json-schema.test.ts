import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { testImage } from '../support/containers.js';
import { assertValidDocument } from '../support/schema.js';
import { caFixture } from '../support/fixture.js';

/** Real --json output of the engine commands, on a real container, against the published schema. */
describe('--json of add, check, status, remove match the published JSON Schema (real container)', function () {
  const fx = caFixture('Schema Integration CA');
  after(async () => {});

  async function document(args: string[], codes: number[] = [0]): Promise<Record<string, any>> {
    const result = await trustpatch([...args, '--json']);
    assert.ok(codes.includes(result.code), `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    const doc = JSON.parse(result.stdout) as Record<string, any>;
    assertValidDocument(doc, args.slice(0, 2).join(' '));
    return doc;
  }

  it('every document of a whole add -> status -> remove round is valid, with one envelope', async () => {
    const id = await fx.start(testImage('debian-curl'));
    const url = ['--check-url', fx.server.url];
    const before = await document(['check', id, ...url], [1]);
    assert.equal(before.containers[0].family, 'debian', 'check results carry the family');
    assert.deepEqual(
      [before.containers[0].check.verifiedBy, before.containers[0].check.failure],
      [null, 'untrusted'],
      'the summary carries verifiedBy and failure',
    );
    assert.match(before.containers[0].check.detail, /^curl: \(60\) /);
    await document(['add', fx.ca.certPath, id, ...url, '--dry-run']);
    const added = await document(['add', fx.ca.certPath, id, ...url]);
    assert.deepEqual(
      [
        added.containers[0].status,
        added.containers[0].check.before.failure,
        added.containers[0].check.after.verifiedBy,
      ],
      ['patched', 'untrusted', 'tls'],
    );
    await document(['add', fx.ca.certPath, id, ...url]);
    const after = await document(['check', id, ...url]);
    assert.equal(after.containers[0].check.verifiedBy, 'tls');
    await document(['status', id]);
    await document(['remove', fx.ca.certPath, id, '--dry-run']);
    await document(['remove', fx.ca.certPath, id]);
    const docs = [before, added, after];
    for (const doc of docs)
      assert.deepEqual([doc.schemaVersion, typeof doc.trustpatchVersion, doc.engines.length], [1, 'string', 1]);
  });
});
