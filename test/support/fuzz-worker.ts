import { createHash, X509Certificate } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { readCertificates } from '../../src/cert/read.js';
import { UserError } from '../../src/errors.js';
import { fuzzInput, type FuzzSeed } from './fuzz-mutate.js';

/**
 * Runs the certificate reader over mutated inputs until the time budget is spent, in a worker
 * so that the test's main thread can stop it when one input hangs. Tells the main thread when
 * each input starts and ends; an outcome other than a UserError or valid certificates is
 * reported with its number, to be rebuilt from the seed.
 */
export interface FuzzJob {
  corpus: { name: string; bytes: Uint8Array; password?: string }[];
  seed: number;
  budgetMs: number;
}

export type FuzzMessage =
  | { kind: 'start'; index: number }
  | { kind: 'bad'; index: number; problem: string }
  | { kind: 'end'; count: number; outcomes: Record<string, number> };

const job = workerData as FuzzJob;
const corpus: FuzzSeed[] = job.corpus.map((s) => ({ ...s, bytes: Buffer.from(s.bytes) }));
const post = (message: FuzzMessage) => parentPort!.postMessage(message);
const outcomes: Record<string, number> = { certificates: 0, 'user error': 0 };
const until = Date.now() + job.budgetMs;
let index = 0;
for (; Date.now() < until; index += 1) {
  const input = fuzzInput(corpus, job.seed, index);
  post({ kind: 'start', index });
  try {
    const read = readCertificates(input.bytes, 'fuzz', { password: input.password });
    const problem = invalid(read.certificates);
    if (problem) post({ kind: 'bad', index, problem });
    outcomes.certificates! += 1;
  } catch (error) {
    if (error instanceof UserError && /^fuzz: /.test(error.message) && !error.message.includes('\n'))
      outcomes['user error']! += 1;
    else
      post({
        kind: 'bad',
        index,
        problem: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error),
      });
  }
}
post({ kind: 'end', count: index, outcomes });

/** A result is valid when it has certificates and each is what it says it is. */
function invalid(certificates: readonly { der: Buffer; fingerprint: string; pem: string }[]): string | undefined {
  if (certificates.length === 0) return 'no certificates and no error';
  for (const certificate of certificates) {
    if (createHash('sha256').update(certificate.der).digest('hex') !== certificate.fingerprint)
      return 'a fingerprint that is not the SHA-256 of the DER';
    try {
      new X509Certificate(certificate.pem);
    } catch (error) {
      return `a certificate node:crypto cannot read back (${(error as Error).message})`;
    }
  }
  return undefined;
}
