/**
 * The main job on a throwaway container: a local HTTPS server signed by a fresh CA that the
 * container does not trust, `trustpatch add` with the before/after check, then clean-up.
 * Traffic stays on 127.0.0.1 (the container uses host networking).
 */
import { trustpatch } from '../test/support/cli.js';
import { docker, execIn, removeContainers, startContainer, testImage } from '../test/support/containers.js';
import { startHttpsServer } from '../test/support/https-server.js';
import { makeCa, makeServerCert, removeCa } from '../test/support/pki.js';

const say = (line: string) => process.stdout.write(`\n== ${line}\n`);

async function demo(): Promise<number> {
  const ca = await makeCa('trustpatch demo Root CA');
  const server = await startHttpsServer(await makeServerCert(ca));
  let id: string | undefined;
  try {
    say(`a local HTTPS server at ${server.url}, signed by a new CA (${ca.certPath})`);
    id = await startContainer(testImage('debian-curl'), {
      name: `trustpatch-demo-${process.pid}`,
      labels: { 'trustpatch.demo': '1' },
    });
    say(`a throwaway Debian container ${id.slice(0, 12)} (host network); curl inside it before:`);
    const before = await execIn(id, ['curl', '-sS', server.url]);
    process.stdout.write(`curl exit ${before.code}: ${before.stderr.trim().split('\n')[0]}\n`);

    const args = ['add', ca.certPath, `trustpatch-demo-${process.pid}`, '--check-url', server.url];
    say(`trustpatch ${args.join(' ')}`);
    const result = await trustpatch(args);
    // Progress (stderr) came first when it ran; the table and summary (stdout) after it.
    process.stdout.write(result.stderr + result.stdout);

    say('curl inside the container after:');
    const after = await execIn(id, ['curl', '-sS', server.url]);
    process.stdout.write(`curl exit ${after.code}: ${(after.stdout + after.stderr).trim()}\n`);
    const ok = before.code === 60 && result.code === 0 && after.code === 0;
    say(ok ? 'demo passed: the container trusts the CA, without a restart' : 'demo FAILED: see the output above');
    return ok ? 0 : 1;
  } finally {
    if (id) await removeContainers([id]);
    await server.close();
    await removeCa(ca);
    say('cleaned up: container removed, server stopped, CA deleted');
  }
}

// Keep the engine check close to the demo: a clear message rather than a stack.
const engine = await docker(['version', '--format', '{{.Server.Version}}'], { allowFailure: true });
if (engine.code !== 0) {
  process.stderr.write(
    `no Docker engine answers; run \`bash scripts/ensure-engine.sh\` first (${engine.stderr.trim()})\n`,
  );
  process.exit(3);
}
process.exit(await demo());
