import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { trustpatch } from './cli.js';
import { execIn, startContainer, testImage } from './containers.js';

const run = promisify(execFile);
const ENSURE_PROXY_TOOLS = fileURLToPath(new URL('../../../scripts/ensure-proxy-tools.sh', import.meta.url));

/** The proxy variables a developer's shell may hold, emptied so each test decides. */
export const noProxyEnv = { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/** Installs the intercepting proxies from Debian's archive when missing (scripts/ensure-proxy-tools.sh). */
export async function ensureProxyTools(): Promise<void> {
  await run('bash', [ENSURE_PROXY_TOOLS], { maxBuffer: 16 * 1024 * 1024 });
}

/**
 * The user's recipe against a real intercepting proxy: curl through it fails in a fresh
 * container, `fetch-ca | trustpatch add -` (through HTTPS_PROXY), then the same curl succeeds.
 */
export async function fetchThenAddMakesCurlTrust(
  proxyUrl: string,
  upstreamUrl: string,
  containers: string[],
): Promise<void> {
  const id = await startContainer(testImage('debian-curl'));
  containers.push(id);
  const curl = ['curl', '-sS', '--max-time', '30', '-x', proxyUrl, upstreamUrl];
  const before = await execIn(id, curl);
  assert.notEqual(before.code, 0, 'curl must not trust the proxy before');
  assert.match(before.stderr, /certificate/i);
  const fetched = await trustpatch(['fetch-ca', upstreamUrl], { env: { ...noProxyEnv, HTTPS_PROXY: proxyUrl } });
  assert.equal(fetched.code, 0, fetched.stderr);
  const added = await trustpatch(['add', '-', id, '--quiet'], { input: fetched.stdout });
  assert.equal(added.code, 0, added.stderr + added.stdout);
  const after = await execIn(id, curl);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, 'trusted\n');
}
