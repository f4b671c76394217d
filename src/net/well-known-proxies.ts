/**
 * Where debugging proxies serve their own CA certificate to a client that asks them for a
 * special address: the proxy answers the request itself (the name resolves nowhere else), so
 * these are only ever asked *of the proxy*, never looked up or fetched directly.
 */
export interface WellKnownAddress {
  proxy: string;
  /** The address to ask the proxy for (some depend on the proxy's own port). */
  url: (proxy: URL) => string;
  /** Where the address is documented. */
  source: string;
}

export const WELL_KNOWN_CA_ADDRESSES: readonly WellKnownAddress[] = [
  // The onboarding app's routes /cert/pem, /cert/p12, /cert/cer (mitmproxy/mitmproxy,
  // mitmproxy/addons/onboardingapp/__init__.py; docs: https://docs.mitmproxy.org/stable/concepts/certificates/).
  { proxy: 'mitmproxy', url: () => 'http://mitm.it/cert/pem', source: 'https://docs.mitmproxy.org/stable/concepts/certificates/' },
  // "Browse to http://burpsuite" (or http://burp) and the "CA Certificate" link, /cert, in DER.
  { proxy: 'Burp Suite', url: () => 'http://burpsuite/cert', source: 'https://portswigger.net/burp/documentation/desktop/external-browser-config/certificate' },
  { proxy: 'Burp Suite', url: () => 'http://burp/cert', source: 'https://portswigger.net/burp/documentation/desktop/external-browser-config/certificate' },
  // Help > SSL Proxying > "Install Charles Root Certificate on a Mobile Device": chls.pro/ssl.
  { proxy: 'Charles', url: () => 'http://chls.pro/ssl', source: 'https://www.charlesproxy.com/documentation/using-charles/ssl-certificates/' },
  // Fiddler Classic's echo service answers for ipv4.fiddler on the port it listens on (8888 by
  // default) and links FiddlerRoot.cer (DER).
  { proxy: 'Fiddler', url: (proxy) => `http://ipv4.fiddler:${proxy.port === '' ? 80 : proxy.port}/FiddlerRoot.cer`, source: 'https://docs.telerik.com/fiddler/configure-fiddler/tasks/trustfiddlerrootcert' },
];
