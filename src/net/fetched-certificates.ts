import type { Certificate } from '../cert/certificate.js';
import { readCertificates } from '../cert/read.js';
import type { HttpGet, HttpLimits } from './http-get.js';

/** What one download gave: certificates (PEM, DER or PKCS#7, judged by content), or why none. */
export type Fetched = { kind: 'certificates'; certificates: Certificate[] } | { kind: 'failed'; reason: string };

/**
 * Downloads `url` through `proxy` and reads the certificates in it. A private key in the answer
 * is dropped by the reader (never kept, written or printed); anything unreadable is a reason.
 */
export async function fetchCertificates(
  url: string,
  proxy: URL | undefined,
  get: HttpGet,
  limits: HttpLimits,
): Promise<Fetched> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'failed', reason: 'not a URL' };
  }
  if (parsed.protocol !== 'http:')
    return { kind: 'failed', reason: `not fetched: only http:// addresses are followed, not ${parsed.protocol}//` };
  const answer = await get(parsed, proxy, limits);
  if (answer.kind === 'failed') return answer;
  try {
    return { kind: 'certificates', certificates: readCertificates(answer.bytes, url).certificates };
  } catch {
    return { kind: 'failed', reason: `the answer holds no certificate (${answer.bytes.length} bytes)` };
  }
}
