import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addDocument,
  checkDocument,
  checkExitCode,
  exitCodeFor,
  runAdd,
  runCheckCommand,
  runInspect,
  runRemove,
  runStatus,
  statusDocument,
  statusExitCode,
  UserError,
  type Selector,
  type StatusReport,
} from '../../src/index.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';
import { assertValidDocument } from '../support/schema.js';

describe('trustpatch as a library: the CLI documents, and options checked by name', () => {
  let ca: TestCa;
  let lockDir: string;
  before(async () => {
    ca = await makeCa('Library CA');
    lockDir = await mkdtemp(join(tmpdir(), 'trustpatch-library-locks-'));
  });
  after(async () => {
    await removeCa(ca);
    await rm(lockDir, { recursive: true, force: true });
  });

  it('a mistyped or missing option is a UserError naming it, not a TypeError from inside', async () => {
    const cases: [Promise<unknown>, RegExp][] = [
      [
        runRemove({ target: 'ca.pem' } as never),
        /^runRemove: unknown option "target"; did you mean "targets"\? \(it takes .*certificate, selector/,
      ],
      [
        runRemove({ selector: { names: ['web'] } } as never),
        /^runRemove: option "certificate" is missing \(a string: a certificate file, a fingerprint or a name\)\.$/,
      ],
      [
        runAdd({ certificate: ca.certPath, selectr: { names: ['web'] } } as never),
        /^runAdd: unknown option "selectr"; did you mean "selector"\?/,
      ],
      [
        runAdd({ certificate: ca.certPath, selector: { names: ['web'] }, timeoutMs: 3e9 } as never),
        /^runAdd: option "timeoutMs" must be a number of milliseconds above 0 and at most 2147483647/,
      ],
      [
        runStatus({ selector: { name: ['web'] } } as never),
        /^runStatus: option "selector" has an unknown field "name"; did you mean "names"\?/,
      ],
      [
        runCheckCommand({ selector: { all: true }, checkUrls: 'https://x/' } as never),
        /^runCheckCommand: option "checkUrls" must be an array of strings, not string\.$/,
      ],
      [runInspect(undefined as never), /^runInspect: give an options object \(source required\)\.$/],
    ];
    for (const [promise, message] of cases) {
      await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof UserError, String(error));
        assert.match(error.message, message);
        return true;
      });
    }
  });

  it('a selector may give only what it uses; the results make the very document the CLI prints', async () => {
    const client = new FakeClient();
    client.add(fakeDebian('c1', [], { curl: (bundle) => bundle.includes(ca.pem) }));
    const selector: Partial<Selector> = { names: ['c1'] };
    const checkUrls = ['https://127.0.0.1:8443/'];
    const before = await runCheckCommand({ client, selector: selector as Selector, checkUrls });
    const checked = checkDocument({
      ...before,
      durationMs: 5,
      exitCode: checkExitCode(before.results, before.interrupted),
    });
    assertValidDocument(checked, 'checkDocument');
    assert.deepEqual(
      [checked.containers[0]!.status, checked.containers[0]!.family, checked.summary.exitCode],
      ['untrusted', 'debian', 1],
    );

    const report = await runAdd({
      client,
      certificate: ca.certPath,
      selector: selector as Selector,
      checkUrls,
      lockDir,
    });
    const added = addDocument({ ...report, durationMs: 5, exitCode: exitCodeFor(report.results, report.interrupted) });
    assertValidDocument(added, 'addDocument');
    assert.deepEqual(
      [
        added.containers[0]!.status,
        added.containers[0]!.check.before?.failure,
        added.containers[0]!.check.after?.verifiedBy,
      ],
      ['patched', 'untrusted', 'tls'],
    );

    const status: StatusReport = await runStatus({ client, selector: selector as Selector });
    assertValidDocument(
      statusDocument({ ...status, durationMs: 5, exitCode: statusExitCode(status.results, status.interrupted) }),
      'statusDocument',
    );
  });
});
