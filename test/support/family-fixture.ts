import assert from 'node:assert/strict';
import { trustpatch } from './cli.js';
import { execIn, testImage } from './containers.js';
import { replaceProgram, curlExit } from './family-store.js';
import { caFixture } from './fixture.js';
import type { LocalHttpsServer } from './https-server.js';
import { opensslFingerprint, type TestCa } from './pki.js';
import { addJson } from './trust-checks.js';
import { snapshotStore, storeDifferences } from './trust-store.js';

/** A test CA, an HTTPS server with a certificate it signed, and the containers a suite starts. */
export interface FamilyFixture {
  ca: TestCa;
  server: LocalHttpsServer;
  /** The CA's SHA-256, from openssl. */
  fp: string;
  /** Starts a labelled container of a test image, removed after the suite. */
  start(image: string, user?: string): Promise<string>;
}

/** The integration fixture (support/fixture.ts) plus the CA's fingerprint; registers the suite's hooks. */
export function familyFixture(caName: string): FamilyFixture {
  const base = caFixture(caName);
  const fixture: FamilyFixture = {
    get ca() {
      return base.ca;
    },
    get server() {
      return base.server;
    },
    fp: '',
    start: (image, user) => base.start(testImage(image), user === undefined ? {} : { user }),
  };
  before(async () => {
    fixture.fp = await opensslFingerprint(base.ca.certPath);
  });
  return fixture;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A family's dry run: planned, its update command, the anchor in its directory, not a file
 * changed; `dockerfile` names the same anchor and command.
 */
export async function dryRunPlans(
  f: FamilyFixture,
  id: string,
  family: { store: readonly string[]; command: readonly string[]; anchorDir: string; prefix: string },
): Promise<void> {
  const before = await snapshotStore(id, family.store);
  const {
    code,
    containers: [row],
    output,
  } = await addJson([f.ca.certPath, id, '--dry-run']);
  assert.equal(code, 0, output);
  assert.equal(row!.status, 'planned', output);
  assert.deepEqual(row!.plan!.commands, [family.command]);
  const anchor = `${literal(family.anchorDir)}\\/${literal(family.prefix)}-[0-9a-f]{8}\\.crt`;
  assert.ok(
    row!.plan!.files.some((file) => new RegExp(`^${anchor}$`).test(file)),
    row!.plan!.files.join(' '),
  );
  assert.deepEqual(storeDifferences(before, await snapshotStore(id, family.store)), []);

  const dockerfile = await trustpatch(['dockerfile', f.ca.certPath, id]);
  assert.equal(dockerfile.code, 0, dockerfile.stderr);
  assert.match(dockerfile.stdout, new RegExp(`^COPY ${literal(family.prefix)}-[0-9a-f]{8}\\.crt ${anchor}$`, 'm'));
  assert.match(dockerfile.stdout, new RegExp(`${literal(family.command.join(' '))}$`, 'm'));
}

/**
 * A family's update command replaced by `script` (it fails, or hangs past --timeout): the add
 * fails and rolls back (`unchanged` compares with `snapshot`), curl still refuses; the real
 * update put back, the next add patches (`holds`) and curl trusts the server.
 */
export async function failingUpdateRollsBack<S>(
  f: FamilyFixture,
  id: string,
  update: { program: string; script: string; extra: readonly string[] },
  store: { snapshot: (id: string) => Promise<S>; unchanged: (id: string, before: S) => Promise<void> },
  holds: (id: string) => Promise<void>,
): Promise<void> {
  await replaceProgram(id, update.program, update.script);
  const before = await store.snapshot(id);
  const {
    code,
    containers: [row],
    output,
  } = await addJson([f.ca.certPath, id, '--check-url', f.server.url, ...update.extra]);
  assert.equal(code, 1, output);
  assert.deepEqual([row!.status, row!.rollback], ['failed', 'done'], output);
  await store.unchanged(id, before);
  assert.equal(await curlExit(id, f.server.url), 60);

  assert.equal((await execIn(id, ['mv', `${update.program}.real`, update.program])).code, 0);
  const again = await addJson([f.ca.certPath, id, '--check-url', f.server.url]);
  assert.equal(again.code, 0, again.output);
  await holds(id);
  assert.equal(await curlExit(id, f.server.url), 0);
}
