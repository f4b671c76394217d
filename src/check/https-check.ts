import type { ContainerClient } from '../docker/container-client.js';
import { findTlsClients, type TlsClient } from './clients.js';
import { clientRun, verdictOf, type FailureCause } from './tls-clients.js';

/** The outcome of one HTTPS check run inside a container. */
export interface CheckResult {
  url: string;
  /** True ONLY when a TLS client really verified the server's certificate chain. */
  ok: boolean;
  /** The client that ran the check, or null when no usable client was there. */
  tool: string | null;
  /**
   * `tls`: a client verified the chain (ok). `bundle`: no client could check, but the CA's
   * fingerprint is in every bundle clients read, a weaker claim. null: not verified.
   */
  verifiedBy: 'tls' | 'bundle' | null;
  /**
   * `ok`; the client's own error line when it failed (`curl: (60) SSL certificate problem: ...`,
   * `verify error:num=19:...`); or why nothing could check (`no TLS client ...`).
   */
  detail: string;
  /** The failing client's exit status, when it ran and exited. */
  exitCode?: number;
  /** Set when a client ran and did not pass: it rejected the certificate, or never reached the server. */
  failure?: FailureCause;
}

export interface CheckOptions {
  /** Send the check through this proxy; otherwise the container's own HTTPS_PROXY applies. */
  proxy?: string;
  timeoutMs?: number;
  /** Run as this user (the container's own by default: what the application sees). */
  user?: string;
  /** The clients to try, when already probed; found through the archive API otherwise. */
  clients?: readonly TlsClient[];
}

/**
 * Checks `url` from inside the container with the first client that can prove something:
 * curl, else wget (only where it validates), else `openssl s_client`, else python3.
 */
export async function runCheck(
  client: ContainerClient,
  id: string,
  url: string,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const seconds = Math.max(1, Math.round((options.timeoutMs ?? 15_000) / 1000));
  const notes: string[] = [];
  const tried: TlsClient['tool'][] = [];
  let candidates: readonly TlsClient[] = options.clients ?? (await findTlsClients(client, id));
  // The given clients may be only the most preferred one: when none of them proves anything,
  // look for the others before giving up.
  for (let round = 0; round < 2; round += 1) {
    for (const candidate of candidates) {
      tried.push(candidate.tool);
      const run = clientRun(candidate, new URL(url), seconds, options.proxy);
      const result = await client.exec(id, run.argv, {
        user: options.user,
        env: run.env,
        stdin: run.stdin,
        timeoutMs: (seconds + 5) * 1000,
        // A TLS client writes its answer to /dev/null or stdout: the programs found before are still there.
        readsOnly: true,
      });
      const verdict = verdictOf(candidate, result);
      if (verdict.kind === 'pass') return { url, ok: true, tool: candidate.tool, verifiedBy: 'tls', detail: 'ok' };
      if (verdict.kind === 'fail')
        return {
          url,
          ok: false,
          tool: candidate.tool,
          verifiedBy: null,
          detail: verdict.detail,
          ...(verdict.exitCode === undefined ? {} : { exitCode: verdict.exitCode }),
          failure: verdict.cause,
        };
      notes.push(verdict.detail);
    }
    if (options.clients === undefined) break;
    candidates = await findTlsClients(client, id, { skip: tried });
  }
  const why = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  return {
    url,
    ok: false,
    tool: null,
    verifiedBy: null,
    detail: `no TLS client that validates certificates in the container (tried curl, wget, openssl, python3${why})`,
  };
}

/** The weaker result for a container without a usable TLS client, once the bundles are verified. */
export function bundleVerified(check: CheckResult): CheckResult {
  return {
    url: check.url,
    ok: false,
    tool: null,
    verifiedBy: 'bundle',
    detail: `bundle verified: the CA is in every bundle, but ${check.detail.replace(/^no/, 'there is no')}`,
  };
}

/** `ok`, `bundle verified`, `unavailable` or `failed (curl 60)`, as the report shows it. */
export function checkSummary(result: CheckResult | undefined): string {
  if (result === undefined) return '-';
  if (result.ok) return 'ok';
  if (result.verifiedBy === 'bundle') return 'bundle verified';
  if (result.tool === null) return 'unavailable';
  const client = result.exitCode === undefined ? result.tool : `${result.tool} ${result.exitCode}`;
  if (result.failure === 'unreachable') return `unreachable (${client})`;
  if (result.failure === 'unprovable') return `unproven (${client})`;
  return `failed (${client})`;
}
