import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { errorMessage } from '../errors.js';
import { presentedChain, type ChainReader } from '../net/peer-chain.js';
import { httpsTarget } from '../net/proxy-env.js';
import type { CheckResult } from './https-check.js';

/**
 * What a client's refusal after the patch means. `distrust`: the CA does not sign what the
 * server presents, so the patch is wrong for this URL; `unprovable`: the CA does sign it, and
 * the client refuses for another reason (`why`): the patch stands; `unknown`: the chain could
 * not be read from where trustpatch runs.
 */
export type Refusal = { kind: 'distrust' } | { kind: 'unprovable'; why: string } | { kind: 'unknown'; why: string };

export interface RefusalOptions {
  proxy?: string;
  timeoutMs?: number;
  readChain?: ChainReader;
}

/**
 * A client's refusal is proof of distrust only when the CA really does not sign the chain the
 * server presents. The chain is read from where trustpatch runs, as `fetch-ca` does
 * (src/net/peer-chain.ts), and verified against each CA with node:crypto.
 */
export async function judgeRefusal(
  check: CheckResult,
  caPems: readonly string[],
  options: RefusalOptions = {},
): Promise<Refusal> {
  let chain: X509Certificate[];
  const target = httpsTarget(check.url);
  try {
    const proxy = options.proxy === undefined ? undefined : new URL(options.proxy);
    chain = (await (options.readChain ?? presentedChain)(target, proxy, options.timeoutMs ?? 10_000)).map(
      (der) => new X509Certificate(der),
    );
  } catch (error) {
    return {
      kind: 'unknown',
      why: `the server's chain could not be read from where trustpatch runs (${errorMessage(error)})`,
    };
  }
  const cas = caPems.map((pem) => new X509Certificate(pem));
  if (chain.length === 0 || !signedBy(chain, cas)) return { kind: 'distrust' };
  return { kind: 'unprovable', why: clientWhy(chain[0]!, target.host) };
}

/** True when the leaf leads, through the certificates the server sent, to one of the CAs. */
function signedBy(chain: readonly X509Certificate[], cas: readonly X509Certificate[]): boolean {
  let current = chain[0]!;
  for (let hops = 0; hops <= chain.length; hops += 1) {
    if (
      cas.some(
        (ca) =>
          ca.fingerprint256 === current.fingerprint256 || (current.checkIssued(ca) && current.verify(ca.publicKey)),
      )
    )
      return true;
    const next = chain.find((c) => c !== current && current.checkIssued(c) && current.verify(c.publicKey));
    if (next === undefined) return false;
    current = next;
  }
  return false;
}

/** Why a client may refuse a chain the CA signs: the names, the dates, or the client itself. */
function clientWhy(leaf: X509Certificate, host: string): string {
  const names = leaf.subjectAltName ?? `no subjectAltName, subject ${leaf.subject.replace(/\n/g, ', ')}`;
  const now = Date.now();
  if (Date.parse(leaf.validTo) < now) return `the server's certificate expired on ${leaf.validTo}`;
  if (Date.parse(leaf.validFrom) > now) return `the server's certificate is not valid before ${leaf.validFrom}`;
  if (isIP(host) !== 0) {
    if (leaf.checkIP(host) === undefined)
      return `the server's certificate does not name the IP address ${host} (it names ${names})`;
    return `the server's certificate names ${host}, but this client cannot verify a server by IP address (an old client, e.g. BusyBox wget through ssl_client with OpenSSL 1.1): check a host name instead`;
  }
  if (leaf.checkHost(host) === undefined) return `the server's certificate does not name ${host} (it names ${names})`;
  return `the names and dates match: an old client, or its own settings, refuse it`;
}
