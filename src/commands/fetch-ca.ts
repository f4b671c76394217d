import { certificateFromDer, type Certificate } from '../cert/certificate.js';
import { UserError } from '../errors.js';
import { presentedChain, type ChainReader } from '../net/peer-chain.js';
import { describeProxy, httpsTarget, proxyFor } from '../net/proxy-env.js';
import { describeCertificates, type InspectReport } from './inspect.js';
import { checkOptions } from '../util/check-options.js';

export interface FetchCaOptions {
  url: string;
  /** `--proxy`; otherwise HTTPS_PROXY / NO_PROXY from `env` decide. */
  proxy?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  now?: Date;
  /** Injected for tests; the real one opens a TLS connection. */
  readChain?: ChainReader;
}

export interface FetchCaReport {
  url: string;
  /** The proxy used, without credentials; null for a direct connection. */
  proxy: string | null;
  /** What the server presented, leaf first: subject and issuer of each. */
  chain: { subject: string; issuer: string }[];
  /** The certificate picked, and why that one. */
  certificate: Certificate;
  choice: string;
  /** What `inspect` would print for it. */
  inspection: InspectReport;
}

/**
 * `trustpatch fetch-ca`: connects to an https URL (normally through the intercepting proxy),
 * takes the chain it presents and picks its CA. It only reads: trusting it is the user's call.
 */
export async function runFetchCa(options: FetchCaOptions): Promise<FetchCaReport> {
  options = checkOptions('runFetchCa', options, { url: 'string!', proxy: 'string', env: 'object', timeoutMs: 'timeout', now: 'date', readChain: 'function' });
  const target = httpsTarget(options.url);
  const proxy = proxyFor(target, options.proxy, options.env ?? process.env);
  const ders = await (options.readChain ?? presentedChain)(target, proxy, options.timeoutMs ?? 30_000);
  const chain = ders.map((der) => certificateFromDer(der));
  const { certificate, choice } = pickCa(chain, options.url);
  return {
    url: options.url,
    proxy: proxy ? describeProxy(proxy) : null,
    chain: chain.map((c) => ({ subject: c.subject, issuer: c.issuer })),
    certificate,
    choice,
    inspection: describeCertificates([certificate], options.url, { now: options.now }),
  };
}

/** The self-signed root if the server sent one, else the top issuer it sent (said so). */
export function pickCa(chain: readonly Certificate[], url: string): { certificate: Certificate; choice: string } {
  const root = chain.find((c) => c.selfSigned);
  const position = (c: Certificate) => `certificate ${chain.indexOf(c) + 1} of ${chain.length} presented`;
  if (root !== undefined && chain.length > 1) return { certificate: root, choice: `the self-signed root (${position(root)})` };
  if (root !== undefined) {
    return { certificate: root, choice: `the only certificate presented, which is self-signed: this server is not behind an intercepting proxy, or the proxy passes this site through` };
  }
  if (chain.length < 2) {
    throw new UserError(`${url}: the server presented only its own certificate (issued by ${chain[0]?.issuer ?? 'nobody'}), not its CA; get the CA file from the proxy's administrator.`);
  }
  const top = chain[chain.length - 1]!;
  return { certificate: top, choice: `the top issuer presented (${position(top)}): its root, "${top.issuer}", was not sent; ask for that root if clients need it` };
}
