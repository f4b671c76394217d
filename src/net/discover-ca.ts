import type { Certificate } from '../cert/certificate.js';
import { UserError } from '../errors.js';
import { caIssuersUrls } from './aia.js';
import { fetchCertificates } from './fetched-certificates.js';
import { httpGet, type HttpGet, type HttpLimits } from './http-get.js';
import { describeProxy } from './proxy-env.js';
import { signedBy } from './signed-by.js';
import { WELL_KNOWN_CA_ADDRESSES } from './well-known-proxies.js';

/** How the CA was found: in what the server sent, up its AIA caIssuers links, or from the proxy. */
export type FoundBy = 'presented' | 'aia' | 'well-known-address';

export interface DiscoveredCa {
  certificate: Certificate;
  choice: string;
  foundBy: FoundBy;
  /** Each address asked and what came of it, in order ("http://mitm.it/cert/pem: HTTP 404"). */
  tried: string[];
}

export interface DiscoverOptions {
  url: string;
  proxy: URL | undefined;
  limits?: HttpLimits;
  get?: HttpGet;
}

/** An AIA chain longer than this is not a proxy's: stop following. */
const MAX_AIA_HOPS = 4;
/** A CA file, or a PKCS#7 chain, is a few KiB; an answer above this is not one. */
export const DOWNLOAD_LIMITS: HttpLimits = { timeoutMs: 10_000, maxBytes: 1024 * 1024 };

/** The state the steps share: what was presented, what was fetched and verified so far. */
interface Discovery {
  presented: readonly Certificate[];
  options: DiscoverOptions;
  /** Certificates fetched beyond the presented chain, each verified to have signed the one before. */
  fetched: Certificate[];
  tried: string[];
  found?: DiscoveredCa;
}

/**
 * The CA behind a presented chain, leaf first: the self-signed root it holds; else up the
 * caIssuers links of its top certificate to a root; else, for a lone leaf behind a proxy, the
 * addresses debugging proxies answer themselves; else the top issuer sent; else a UserError
 * naming everything tried. Anything fetched is accepted only if it signed what it continues.
 */
export async function discoverCa(presented: readonly Certificate[], options: DiscoverOptions): Promise<DiscoveredCa> {
  const state: Discovery = { presented, options, fetched: [], tried: [] };
  takePresentedRoot(state);
  if (!state.found) await followCaIssuers(state);
  if (!state.found) await askTheProxy(state);
  if (!state.found) takePresentedTop(state);
  if (!state.found) throw nothingFound(state);
  return state.found;
}

function takePresentedRoot(state: Discovery): void {
  const { presented } = state;
  const root = presented.find((c) => c.selfSigned);
  if (root === undefined) return;
  const choice =
    presented.length > 1
      ? `the self-signed root (${position(root, presented)})`
      : 'the only certificate presented, which is self-signed: this server is not behind an intercepting proxy, or the proxy passes this site through';
  state.found = { certificate: root, choice, foundBy: 'presented', tried: state.tried };
}

async function followCaIssuers(state: Discovery): Promise<void> {
  for (let hop = 0; hop < MAX_AIA_HOPS; hop++) {
    const top = topOf(state);
    const next = await firstSigner(state, top, caIssuersUrls(top), (url) => `caIssuers of "${top.subject}": ${url}`);
    if (next === undefined) break;
    state.fetched.push(next.certificate);
    if (next.certificate.selfSigned) {
      state.found = {
        certificate: next.certificate,
        choice: `the self-signed root at ${next.url}, the AIA caIssuers address of "${top.subject}"${hops(state)}`,
        foundBy: 'aia',
        tried: state.tried,
      };
      return;
    }
  }
  const top = state.fetched.at(-1);
  if (top !== undefined) {
    state.found = {
      certificate: top,
      choice: `the top issuer found by following AIA caIssuers addresses${hops(state)}: its root, "${top.issuer}", could not be fetched; ask for that root if clients need it`,
      foundBy: 'aia',
      tried: state.tried,
    };
  }
}

/** Only for a lone leaf, and only through a proxy: the names are the proxy's to answer. */
async function askTheProxy(state: Discovery): Promise<void> {
  const { proxy } = state.options;
  if (state.presented.length !== 1 || state.fetched.length > 0) return;
  if (proxy === undefined) {
    state.tried.push(
      'the CA addresses debugging proxies answer (mitm.it and others): not asked, as no proxy is in use; give --proxy',
    );
    return;
  }
  const leaf = state.presented[0]!;
  for (const address of WELL_KNOWN_CA_ADDRESSES) {
    const url = address.url(proxy);
    const signer = await firstSigner(
      state,
      leaf,
      [url],
      () => `${address.proxy}'s CA address, ${url}, asked of ${describeProxy(proxy)}`,
    );
    if (signer === undefined) continue;
    const root = signer.certificate.selfSigned ? 'the self-signed CA' : 'the CA';
    state.found = {
      certificate: signer.certificate,
      choice: `${root} that ${describeProxy(proxy)} serves at ${url} (where ${address.proxy} serves its CA), which signed the certificate presented`,
      foundBy: 'well-known-address',
      tried: state.tried,
    };
    return;
  }
}

function takePresentedTop(state: Discovery): void {
  const { presented } = state;
  if (presented.length < 2) return;
  const top = presented.at(-1)!;
  state.found = {
    certificate: top,
    choice: `the top issuer presented (${position(top, presented)}): its root, "${top.issuer}", was not sent; ask for that root if clients need it`,
    foundBy: 'presented',
    tried: state.tried,
  };
}

function nothingFound(state: Discovery): UserError {
  const leaf = state.presented[0];
  const tried =
    state.tried.length > 0
      ? ` Tried: ${state.tried.join('; ')}.`
      : ' The certificate names no caIssuers address to follow.';
  return new UserError(
    `${state.options.url}: the server presented only its own certificate (issued by ${leaf?.issuer ?? 'nobody'}), not its CA.${tried} Get the CA file from the proxy's administrator.`,
  );
}

/** The first certificate at `urls` that verifiably signed `child`; each attempt is recorded. */
async function firstSigner(
  state: Discovery,
  child: Certificate,
  urls: readonly string[],
  label: (url: string) => string,
): Promise<{ certificate: Certificate; url: string } | undefined> {
  for (const url of urls) {
    const fetched = await fetchCertificates(
      url,
      state.options.proxy,
      state.options.get ?? httpGet,
      state.options.limits ?? DOWNLOAD_LIMITS,
    );
    if (fetched.kind === 'failed') {
      state.tried.push(`${label(url)}: ${fetched.reason}`);
      continue;
    }
    const signer = fetched.certificates.find((candidate) => signedBy(child, candidate));
    if (signer !== undefined) return { certificate: signer, url };
    state.tried.push(
      `${label(url)}: ${fetched.certificates.length} certificate${fetched.certificates.length === 1 ? '' : 's'}, none of which signed "${child.subject}"`,
    );
  }
  return undefined;
}

function topOf(state: Discovery): Certificate {
  return state.fetched.at(-1) ?? state.presented.at(-1)!;
}

function hops(state: Discovery): string {
  return state.fetched.length > 1 ? ` (${state.fetched.length} links followed)` : '';
}

function position(certificate: Certificate, chain: readonly Certificate[]): string {
  return `certificate ${chain.indexOf(certificate) + 1} of ${chain.length} presented`;
}
