import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, trustpatch } from '../support/cli.js';
import { startContainer, testImage } from '../support/containers.js';
import { caFixture } from '../support/fixture.js';

const run = promisify(execFile);

function quoted(argv: string[]): string {
  return argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

/** Runs a command in a pseudo-terminal of the given width with util-linux `script`; returns what it drew. */
async function inTerminal(
  argv: string[],
  options: { columns?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const command = `stty cols ${options.columns ?? 120} rows 40; exec ${quoted(argv)}`;
  // A person's terminal: ora (through is-interactive) turns its spinner off whenever CI is set.
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...options.env };
  delete env.CI;
  const result = await run('script', ['-qfec', command, '/dev/null'], { env, maxBuffer: 4 * 1024 * 1024 }).catch(
    (error: { stdout: string }) => error,
  );
  return result.stdout;
}

describe('output on a terminal and through a pipe', function () {
  const fx = caFixture('Terminal CA', { server: false });
  const fresh = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push(await startContainer(testImage('debian-curl')));
    fx.containers.push(...ids);
    return ids;
  };
  after(async () => {});

  it('shows live progress with a spinner in a pseudo-terminal', async () => {
    const ids = await fresh(2);
    const drawn = await inTerminal([BIN, 'add', fx.ca.certPath, ...ids, '--no-check']);
    assert.match(drawn, /\x1b\[\?25l/, 'the spinner hides the cursor');
    assert.match(drawn, /patching 2 container\(s\)|\[\d\/2\]/, 'progress text');
    assert.match(drawn, /2 patched/);
  });

  it('prints plain progress lines and no escape codes when piped', async () => {
    const ids = await fresh(2);
    const result = await trustpatch(['add', fx.ca.certPath, ...ids, '--no-check']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /\x1b/);
    assert.match(result.stderr, /^\[1\/2\] .*: patched/m);
    assert.match(result.stderr, /^\[2\/2\] .*: patched/m);
  });

  it('honours NO_COLOR and --quiet on a terminal', async () => {
    const ids = await fresh(1);
    const drawn = await inTerminal([BIN, 'add', fx.ca.certPath, ...ids, '--no-check', '--quiet'], {
      env: { NO_COLOR: '1' },
    });
    assert.doesNotMatch(drawn, /\x1b\[3\dm/, 'no color codes');
    assert.doesNotMatch(drawn, /\x1b\[\?25l/, 'no spinner with --quiet');
    assert.match(drawn, /1 patched/);
  });

  it('draws plain lines, not a spinner, in a terminal that reports no width', async () => {
    const ids = await fresh(1);
    const drawn = await inTerminal([BIN, 'add', fx.ca.certPath, ...ids, '--no-check'], { columns: 0 });
    assert.doesNotMatch(drawn, /\x1b\[1A/, 'no cursor-up line clearing');
    assert.match(drawn, /\[1\/1\] .*: patched/);
  });
});
