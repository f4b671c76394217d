import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../support/capture-io.js';

/** A command line and the one line of stderr it must give (exit 2, nothing on stdout). */
const USAGE_ERRORS: [string[], string][] = [
  [
    ['add'],
    'add needs a certificate file (PEM, DER, PKCS#7 or PKCS#12, or - for standard input). Usage: trustpatch add CERTIFICATE [CONTAINERS...] (see `trustpatch add --help`)',
  ],
  [
    ['add', 'ca.pem', '--chek-url', 'https://127.0.0.1/'],
    'add has no --chek-url flag; did you mean --check-url? (see `trustpatch add --help`)',
  ],
  [
    ['check', '--chek-url=https://127.0.0.1/'],
    'check has no --chek-url flag; did you mean --check-url? (see `trustpatch check --help`)',
  ],
  [
    ['add', 'ca.pem', 'app', '--no-chek'],
    'add has no --no-chek flag; did you mean --no-check? (see `trustpatch add --help`)',
  ],
  [['add', 'ca.pem', 'app', '-x'], 'add has no -x flag (see `trustpatch add --help`)'],
  [
    ['remove', 'ca.pem', 'app', '--no-check'],
    'remove has no --no-check: it runs no HTTPS check (it rereads the trust stores instead), so there is nothing to turn off; leave --no-check out (see `trustpatch remove --help`)',
  ],
  [
    ['status', '--check-url', 'https://127.0.0.1/'],
    'status has no --check-url: it runs no HTTPS check (it rereads the trust stores instead), so there is nothing to check; leave --check-url out (see `trustpatch status --help`)',
  ],
  [['status', '--allx'], 'status has no --allx flag; did you mean --all? (see `trustpatch status --help`)'],
  [['chek'], 'chek is not a command; did you mean check? (see `trustpatch --help`)'],
  [
    ['bogus'],
    'bogus is not a command; the commands are add, check, remove, status, dockerfile, inspect, fetch-ca, registry, host, image (see `trustpatch --help`)',
  ],
  [
    [],
    'name a command: add, check, remove, status, dockerfile, inspect, fetch-ca, registry, host, image (see `trustpatch --help`)',
  ],
  [['registry'], 'name a command: add, lint, client-cert (see `trustpatch registry --help`)'],
  [['registry', 'lnt'], 'lnt is not a registry command; did you mean lint? (see `trustpatch registry --help`)'],
  [
    ['registry', 'client-cert', '--cn', 'x'],
    'registry client-cert needs --ca-cert, --ca-key, --out (see `trustpatch registry client-cert --help`)',
  ],
  [
    ['registry', 'add'],
    'registry add needs a registry host[:port], as written in image names. Usage: trustpatch registry add REGISTRY (see `trustpatch registry add --help`)',
  ],
  [['fetch-ca'], 'fetch-ca needs an https:// URL. Usage: trustpatch fetch-ca URL (see `trustpatch fetch-ca --help`)'],
  [
    ['inspect', 'a.pem', 'b.pem'],
    'unexpected argument b.pem. Usage: trustpatch inspect CERTIFICATE (see `trustpatch inspect --help`)',
  ],
  [
    ['add', 'ca.pem', '--install', 'sometimes'],
    '--install "sometimes": give one of auto, never, always (see `trustpatch add --help`)',
  ],
  [['inspect', 'ca.pem', '-H', 'unix:///x'], 'inspect has no -H flag (see `trustpatch inspect --help`)'],
];

const TIMEOUTS: [string[], string][] = [
  [
    ['check', 'app', '--check-url', 'https://127.0.0.1/', '--timeout', '3000000'],
    '--timeout 3000000: give a number of seconds above 0 and at most 2147483 (24.8 days, the longest timer Node.js keeps).',
  ],
  [
    ['status', '--all', '--timeout', '1e9'],
    '--timeout 1000000000: give a number of seconds above 0 and at most 2147483 (24.8 days, the longest timer Node.js keeps).',
  ],
  [
    ['remove', 'ca.pem', 'app', '--timeout', '0'],
    '--timeout 0: give a number of seconds above 0 and at most 2147483 (24.8 days, the longest timer Node.js keeps).',
  ],
  [
    ['fetch-ca', 'https://127.0.0.1:9/', '--timeout', 'soon'],
    '--timeout (not a number): give a number of seconds above 0 and at most 2147483 (24.8 days, the longest timer Node.js keeps).',
  ],
];

describe("usage errors: the flag as typed, the nearest one, the command's own help", () => {
  // No engine is ever reached: every case fails while reading the command line.
  const env = { DOCKER_HOST: 'unix:///nonexistent/trustpatch-usage.sock' };
  for (const [argv, expected] of [...USAGE_ERRORS, ...TIMEOUTS]) {
    it(`trustpatch ${argv.join(' ')}`, async () => {
      const io = captureIo(env);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.name);
      process.on('warning', onWarning);
      const code = await main(argv, io).finally(() => process.off('warning', onWarning));
      assert.equal(io.err(), `trustpatch: ${expected}\n`);
      assert.equal(io.out(), '');
      assert.equal(code, 2);
      assert.deepEqual(warnings, [], 'no Node warning (TimeoutOverflowWarning)');
    });
  }

  it("never shows yargs' own words", async () => {
    for (const [argv] of USAGE_ERRORS) {
      const io = captureIo(env);
      await main(argv, io);
      assert.doesNotMatch(
        io.err(),
        /non-option|Unknown argument|chekUrl|Missing required|Invalid values/,
        argv.join(' '),
      );
    }
  });
});

describe('fetch-ca -o FILE with an existing FILE', () => {
  it('refuses before connecting, and leaves FILE as it was', async () => {
    const { createServer } = await import('node:net');
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = await mkdtemp(join(tmpdir(), 'trustpatch-fetch-'));
    try {
      const file = join(dir, 'proxy-ca.pem');
      await writeFile(file, 'kept\n');
      const io = captureIo({});
      const port = (server.address() as { port: number }).port;
      const code = await main(['fetch-ca', `https://127.0.0.1:${port}/`, '-o', file], io);
      assert.equal(code, 2);
      assert.equal(
        io.err(),
        `trustpatch: -o ${file}: the file exists; choose another name, or pass --force to replace it.\n`,
      );
      assert.equal(io.out(), '', 'no report is printed');
      assert.equal(connections, 0, 'the server was never contacted');
      assert.equal(await readFile(file, 'utf8'), 'kept\n');
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
