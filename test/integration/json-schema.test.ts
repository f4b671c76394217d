import assert from 'node:assert/strict';
import { trustpatch } from '../support/cli.js';
import { removeContainers, startContainer, testImage } from '../support/containers.js';
import { startHttpsServer, type LocalHttpsServer } from '../support/https-server.js';
import { makeCa, makeServerCert, removeCa, type TestCa } from '../support/pki.js';
import { assertValidDocument } from '../support/schema.js';

/** Real --json output of the engine commands, on a real container, against the published schema. */
describe('--json of add, check, status, remove match the published JSON Schema (real container)', function () {
  let ca: TestCa;
  let server: LocalHttpsServer;
  const containers: string[] = [];

  before(async () => {
    ca = await makeCa('Schema Integration CA');
    server = await startHttpsServer(await makeServerCert(ca));
  });
  after(async () => {
    await removeContainers(containers);
    await server?.close();
    if (ca) await removeCa(ca);
  });

  async function document(args: string[], codes: number[] = [0]): Promise<Record<string, any>> {
    const result = await trustpatch([...args, '--json']);
    assert.ok(codes.includes(result.code), `${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    const doc = JSON.parse(result.stdout) as Record<string, any>;
    assertValidDocument(doc, args.slice(0, 2).join(' '));
    return doc;
  }

  it('every document of a whole add -> status -> remove round is valid, with one envelope', async () => {
    const id = await startContainer(testImage('debian-curl'));
    containers.push(id);
    const url = ['--check-url', server.url];
    const before = await document(['check', id, ...url], [1]);
    assert.equal(before.containers[0].family, 'debian', 'check results carry the family');
    assert.deepEqual(
      [before.containers[0].check.verifiedBy, before.containers[0].check.failure],
      [null, 'untrusted'],
      'the summary carries verifiedBy and failure',
    );
    assert.match(before.containers[0].check.detail, /^curl: \(60\) /);
    await document(['add', ca.certPath, id, ...url, '--dry-run']);
    const added = await document(['add', ca.certPath, id, ...url]);
    assert.deepEqual(
      [
        added.containers[0].status,
        added.containers[0].check.before.failure,
        added.containers[0].check.after.verifiedBy,
      ],
      ['patched', 'untrusted', 'tls'],
    );
    await document(['add', ca.certPath, id, ...url]);
    const after = await document(['check', id, ...url]);
    assert.equal(after.containers[0].check.verifiedBy, 'tls');
    await document(['status', id]);
    await document(['remove', ca.certPath, id, '--dry-run']);
    await document(['remove', ca.certPath, id]);
    const docs = [before, added, after];
    for (const doc of docs)
      assert.deepEqual([doc.schemaVersion, typeof doc.trustpatchVersion, doc.engines.length], [1, 'string', 1]);
  });
});
