import type { CheckResult } from './https-check.js';
import { judgeRefusal, type RefusalOptions } from './refusal.js';
import type { CertificateToInstall } from '../types.js';

/**
 * After the patch, each client that still refuses a URL: when the CA does sign the chain that
 * server presents, the client cannot prove trust for that URL (a name that does not match, an
 * IP address it cannot verify, an old client); the verified patch is kept, the check stays
 * failed (exit status 1) and a warning says why. Otherwise it is distrust, and this throws: the
 * patch is rolled back.
 */
export async function judgeChecksAfter(
  after: CheckResult[],
  certificates: readonly CertificateToInstall[],
  options: RefusalOptions,
  warnings: string[],
): Promise<void> {
  for (const check of after.filter((c) => !c.ok && c.tool !== null && c.failure === 'untrusted')) {
    const refusal = await judgeRefusal(
      check,
      certificates.map((c) => c.certificate.pem),
      options,
    );
    if (refusal.kind === 'unprovable') {
      check.failure = 'unprovable';
      warnings.push(
        `${check.tool} cannot prove trust for ${check.url} (${check.detail}): ${refusal.why}; the CA does sign the chain that server presents (read from where trustpatch runs), so the patch is kept`,
      );
      continue;
    }
    const why =
      refusal.kind === 'distrust'
        ? `the CA does not sign the chain ${check.url} presents (read from where trustpatch runs)`
        : `${refusal.why}, so the refusal counts as distrust`;
    throw new Error(`the check still fails after the patch (${check.detail}): ${why}`);
  }
}
