import { certificateFromDer, type Certificate } from '../../cert/certificate.js';
import { discoverCa, DOWNLOAD_LIMITS, type FoundBy } from '../../net/discover-ca.js';
import type { HttpGet } from '../../net/http-get.js';
import { presentedChain, type ChainReader } from '../../net/peer-chain.js';
import { describeProxy, httpsTarget, proxyFor } from '../../net/proxy-env.js';
import { describeCertificates, type InspectReport } from '../inspect/run.js';
import { checkOptions } from '../check-options.js';

export interface FetchCaOptions {
  url: string;
  /** `--proxy`; otherwise HTTPS_PROXY / NO_PROXY from `env` decide. */
  proxy?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  now?: Date;
  /** Injected for tests; the real one opens a TLS connection. */
  readChain?: ChainReader;
  /** Injected for tests; the real one sends a bounded GET through the proxy. */
  httpGet?: HttpGet;
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
  /** Where it came from: the chain presented, its AIA caIssuers links, or the proxy's CA address. */
  foundBy: FoundBy;
  /** The addresses asked beyond the presented chain, each with what came of it. */
  tried: string[];
  /** What `inspect` would print for it. */
  inspection: InspectReport;
}

/**
 * `trustpatch fetch-ca`: connects to an https URL (normally through the intercepting proxy),
 * takes the chain it presents and finds its CA (src/net/discover-ca.ts: the chain, its AIA
 * caIssuers links, the addresses debugging proxies answer). It only reads: trusting it is the
 * user's call.
 */
export async function runFetchCa(options: FetchCaOptions): Promise<FetchCaReport> {
  options = checkOptions('runFetchCa', options, {
    url: 'string!',
    proxy: 'string',
    env: 'object',
    timeoutMs: 'timeout',
    now: 'date',
    readChain: 'function',
  });
  const target = httpsTarget(options.url);
  const proxy = proxyFor(target, options.proxy, options.env ?? process.env);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ders = await (options.readChain ?? presentedChain)(target, proxy, timeoutMs);
  const chain = ders.map((der) => certificateFromDer(der));
  const { certificate, choice, foundBy, tried } = await discoverCa(chain, {
    url: options.url,
    proxy,
    get: options.httpGet,
    // Each download is bounded by itself: a CA file is small and a proxy answers at once.
    limits: { ...DOWNLOAD_LIMITS, timeoutMs: Math.min(timeoutMs, DOWNLOAD_LIMITS.timeoutMs) },
  });
  return {
    url: options.url,
    proxy: proxy ? describeProxy(proxy) : null,
    chain: chain.map((c) => ({ subject: c.subject, issuer: c.issuer })),
    certificate,
    choice,
    foundBy,
    tried,
    inspection: describeCertificates([certificate], options.url, { now: options.now }),
  };
}
