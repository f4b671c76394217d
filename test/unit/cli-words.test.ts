import assert from 'node:assert/strict';
import { removeTable } from '../../src/commands/remove/table.js';
import { restartLines } from '../../src/cli/render.js';
import { statusWord, summaryLine } from '../../src/cli/render.js';
import { addTable, progressSummary } from '../../src/commands/add/table.js';
import type { ContainerResult } from '../../src/types.js';
import type { RemoveResult } from '../../src/undo/types.js';

describe('one spelling per status in what a person reads', () => {
  it('the JSON value with spaces, in progress lines, tables and the summary alike', () => {
    assert.deepEqual(['already-trusted', 'not-present', 'patched'].map(statusWord), [
      'already trusted',
      'not present',
      'patched',
    ]);
    const trusted: ContainerResult = {
      id: 'a1',
      name: 'web',
      image: 'i',
      family: 'debian',
      method: null,
      warnings: [],
      durationMs: 1000,
      check: { before: [], after: [] },
      status: 'already-trusted',
    };
    assert.equal(progressSummary(trusted), 'already trusted (1.0s)');
    assert.match(
      addTable([trusted], (_s, t) => t),
      /web .* already trusted /,
    );
    const absent = {
      id: 'b1',
      name: 'api',
      image: 'i',
      family: 'debian',
      removed: [],
      counts: [],
      left: [],
      warnings: [],
      record: null,
      durationMs: 1,
      status: 'not-present',
    } as RemoveResult;
    assert.match(
      removeTable([absent], (_s, t) => t),
      /api .* not present /,
    );
    assert.equal(
      summaryLine({ removed: 0, notPresent: 1, total: 1 }, 1000, ['removed', 'not-present']),
      '0 removed, 1 not present; 1 container(s) in 1.0s',
    );
  });

  it('the restart line for a program in a container without a shell reads as a sentence', async () => {
    const { FakeClient, FakeContainer } = await import('../support/fake-client.js');
    const { restartNotes } = await import('../../src/runtimes/restart-needed.js');
    const client = new FakeClient();
    const container = client.add(new FakeContainer('c1', 'sleeper'));
    container.processes = [{ hostPid: '25159', user: 'root', command: '/sleeper' }];
    const notes = await restartNotes(
      client,
      'c1',
      { shell: undefined },
      { caFile: '/etc/ssl/certs/ca-certificates.crt' },
    );
    assert.deepEqual(restartLines('sleeper', notes), [
      'sleeper: pid host 25159 (/sleeper): may need a restart: with no shell in the container its /proc cannot be read, so whether it is a Go program (which reads the CA bundle only at start) is not known',
    ]);
  });
});
