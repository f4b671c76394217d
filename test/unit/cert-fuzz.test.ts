import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { derFile, makeIntermediate, pkcs12File, pkcs7File } from '../support/cert-fixtures.js';
import { fuzzInput, type FuzzSeed } from '../support/fuzz-mutate.js';
import type { FuzzJob, FuzzMessage } from '../support/fuzz-worker.js';
import { makeCa, openssl, removeCa, type TestCa } from '../support/pki.js';

/** TRUSTPATCH_FUZZ_MS sets the time spent mutating (default 20 s); TRUSTPATCH_FUZZ_SEED replays a seed. */
const BUDGET_MS = Number(process.env.TRUSTPATCH_FUZZ_MS ?? 20_000);
const SEED = Number(process.env.TRUSTPATCH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** One input taking this long is a hang: the slowest legitimate input (a PKCS#12 at the iteration limit) takes a few seconds. */
const HANG_MS = 60_000;

describe('certificate reader fuzz (bounded time)', function () {
  this.timeout(BUDGET_MS + 4 * HANG_MS);
  let dir: string;
  const cas: TestCa[] = [];
  const corpus: FuzzSeed[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trustpatch-fuzz-'));
    const ec = await makeCa('Fuzz EC Root', { dir });
    const rsa = await makeCa('Fuzz RSA Root', { key: 'rsa-2048', dir });
    const ed = await makeCa('Fuzz Ed25519 Root', { key: 'ed25519', dir });
    cas.push(ec, rsa, ed);
    const intermediate = await makeIntermediate(ec, 'Fuzz Intermediate');
    const file = async (name: string, path: string, password?: string) =>
      corpus.push({ name, bytes: await readFile(path), password });
    for (const ca of cas) await file(`PEM ${ca.certPath}`, ca.certPath);
    await file('DER', await derFile(rsa, dir, 'rsa.der'));
    corpus.push({
      name: 'PEM chain with a key',
      bytes: Buffer.from(`${intermediate.pem}${ec.pem}${await readFile(ec.keyPath, 'utf8')}`),
    });
    corpus.push({
      name: 'TRUSTED CERTIFICATE',
      bytes: Buffer.from(await openssl(['x509', '-in', ec.certPath, '-trustout', '-addtrust', 'serverAuth'])),
    });
    await file('PKCS#7 DER', await pkcs7File([ec, intermediate], dir, 'chain.p7b'));
    await file('PKCS#7 PEM', await pkcs7File([rsa], dir, 'rsa.p7b', 'PEM'));
    await file(
      'PKCS#12 OpenSSL 3',
      await pkcs12File(ec, dir, 'ec.p12', { password: 'secret', extra: [intermediate] }),
      'secret',
    );
    await file('PKCS#12 legacy', await pkcs12File(rsa, dir, 'rsa.p12', { legacy: true }), '');
    await file(
      'PKCS#12 without key',
      await pkcs12File(ed, dir, 'ed.p12', { password: 'secret', noKey: true }),
      'secret',
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await Promise.all(cas.map(removeCa));
  });

  it(`mutated PEM, DER, PKCS#7 and PKCS#12 give a UserError or valid certificates, never a crash or a hang (seed ${SEED})`, async () => {
    const job: FuzzJob = {
      corpus: corpus.map((s) => ({ ...s, bytes: new Uint8Array(s.bytes) })),
      seed: SEED,
      budgetMs: BUDGET_MS,
    };
    const worker = new Worker(new URL('../support/fuzz-worker.js', import.meta.url), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    const bad: { index: number; problem: string }[] = [];
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    const end = await new Promise<Extract<FuzzMessage, { kind: 'end' }> | { kind: 'hang' | 'crash'; detail: string }>(
      (resolve) => {
        const watch = () => {
          clearTimeout(timer);
          timer = setTimeout(
            () => resolve({ kind: 'hang', detail: `input ${current} ran for more than ${HANG_MS / 1000}s` }),
            HANG_MS,
          );
        };
        watch();
        worker.on('message', (message: FuzzMessage) => {
          if (message.kind === 'start') {
            current = message.index;
            watch();
          } else if (message.kind === 'bad') bad.push(message);
          else resolve(message);
        });
        worker.on('error', (error) =>
          resolve({ kind: 'crash', detail: `input ${current} crashed the worker: ${error.stack ?? error.message}` }),
        );
      },
    );
    clearTimeout(timer);
    await worker.terminate();
    const failures = [
      ...bad.map((b) => ({ index: b.index, why: b.problem })),
      ...(end.kind === 'end' ? [] : [{ index: current, why: end.detail }]),
    ];
    if (failures.length > 0) {
      // The corpus is made afresh each run (new keys): keep the failing bytes themselves.
      const saved = await Promise.all(
        failures.slice(0, 5).map(async ({ index, why }) => {
          const input = fuzzInput(corpus, SEED, index);
          const path = join(tmpdir(), `trustpatch-fuzz-${SEED}-${index}.bin`);
          await writeFile(path, input.bytes);
          return `input ${index} (from ${input.from}, password ${JSON.stringify(input.password)}) saved as ${path}: ${why}`;
        }),
      );
      assert.fail(
        `seed ${SEED}: ${failures.length} bad outcome(s); replay with TRUSTPATCH_FUZZ_SEED=${SEED}\n${saved.join('\n')}`,
      );
    }
    assert.equal(end.kind, 'end');
    if (end.kind === 'end') {
      console.log(
        `      fuzz seed ${SEED}: ${end.count} inputs in ${BUDGET_MS / 1000}s: ${end.outcomes.certificates} read, ${end.outcomes['user error']} refused with a UserError`,
      );
      assert.ok(end.count > 0);
    }
  });
});
