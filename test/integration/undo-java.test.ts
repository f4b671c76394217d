import assert from 'node:assert/strict';
import { execIn, testImage } from '../support/containers.js';
import { opensslFingerprint } from '../support/pki.js';
import { runJson } from '../support/cli.js';
import type { AddDoc, RemoveDoc } from '../support/json-docs.js';
import { caFixture } from '../support/fixture.js';

const JDK = '/usr/lib/jvm/java-17-openjdk-amd64';
const CACERTS = `${JDK}/lib/security/cacerts`;

// A Java TLS client with the JDK's default trust store (its lib/security/cacerts).
const CHECK_JAVA =
  'public class Check { public static void main(String[] a) throws Exception { var c = (javax.net.ssl.HttpsURLConnection) new java.net.URL(a[0]).openConnection(); c.setConnectTimeout(10000); System.out.println(c.getResponseCode()); } }';

async function javaCheck(id: string, url: string): Promise<{ code: number; output: string }> {
  const run = await execIn(id, [
    'sh',
    '-c',
    'cd /tmp && printf "%s" "$1" > Check.java && java Check.java "$2"',
    'sh',
    CHECK_JAVA,
    url,
  ]);
  return { code: run.code, output: run.stdout + run.stderr };
}

async function entries(id: string): Promise<number> {
  const listed = await execIn(id, [`${JDK}/bin/keytool`, '-list', '-keystore', CACERTS, '-storepass', 'changeit']);
  return Number(/contains (\d+) entr/.exec(listed.stdout)?.[1] ?? NaN);
}

describe("Java keystores (Debian's OpenJDK 17 headless), proved with a Java TLS client", function () {
  const fx = caFixture('Java Store Root');
  let fp: string;

  before(async () => {
    fp = await opensslFingerprint(fx.ca.certPath);
  });

  it("leaves a JDK's cacerts that links to the system-generated keystore to the update (ca-certificates-java), and Java trusts the CA", async () => {
    const id = await fx.start(testImage('debian-jre'));
    assert.match((await javaCheck(id, fx.server.url)).output, /PKIX path building failed/);
    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id]);
    assert.equal(add.code, 0, add.output);
    const java = add.doc.containers[0]!.stores.filter((s) => s.kind === 'java');
    assert.deepEqual(
      java.map((s) => [s.path, s.action]),
      [[CACERTS, 'covered']],
      add.output,
    );
    assert.match(java[0]!.note, /links to \/etc\/ssl\/certs\/java\/cacerts.*holds it/);
    const check = await javaCheck(id, fx.server.url);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /^200$/m);
  });

  it('imports into a standalone cacerts with keytool (alias from the fingerprint), and remove deletes exactly that entry', async () => {
    const id = await fx.start(testImage('debian-jre'));
    // Temurin and most vendor JDKs ship cacerts as a file of their own: make this JDK's one so.
    const copied = await execIn(id, ['cp', '--remove-destination', '/etc/ssl/certs/java/cacerts', CACERTS]);
    assert.equal(copied.code, 0, copied.stderr);
    const count = await entries(id);
    assert.match((await javaCheck(id, fx.server.url)).output, /PKIX path building failed/);

    const add = await runJson<AddDoc>(['add', fx.ca.certPath, id]);
    assert.equal(add.code, 0, add.output);
    const alias = `trustpatch-${fp.slice(0, 16)}`;
    assert.deepEqual(
      add.doc.containers[0]!.stores.filter((s) => s.kind === 'java').map((s) => [s.path, s.action]),
      [[CACERTS, 'added']],
      add.output,
    );
    const listed = await execIn(id, [
      `${JDK}/bin/keytool`,
      '-list',
      '-keystore',
      CACERTS,
      '-storepass',
      'changeit',
      '-alias',
      alias,
    ]);
    assert.equal(listed.code, 0, listed.stdout + listed.stderr);
    assert.ok(listed.stdout.replace(/:/g, '').toLowerCase().includes(fp), 'the alias holds this very certificate');
    assert.equal(await entries(id), count + 1);
    const check = await javaCheck(id, fx.server.url);
    assert.equal(check.code, 0, check.output);

    const removed = await runJson<RemoveDoc>(['remove', fp, id]);
    assert.equal(removed.code, 0, removed.output);
    assert.deepEqual(removed.doc.containers[0]!.removed[0]!.java, [CACERTS]);
    assert.equal(await entries(id), count, 'exactly one entry left the keystore');
    assert.notEqual(
      (
        await execIn(id, [
          `${JDK}/bin/keytool`,
          '-list',
          '-keystore',
          CACERTS,
          '-storepass',
          'changeit',
          '-alias',
          alias,
        ])
      ).code,
      0,
    );
    assert.match(
      (await javaCheck(id, fx.server.url)).output,
      /PKIX path building failed/,
      'Java rejects the server again',
    );
  });
});
