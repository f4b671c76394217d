/**
 * Where debugging proxies serve their own CA certificate to a client that asks them for a
 * special address: the proxy answers the request itself (the name resolves nowhere else), so
 * these are only ever asked *of the proxy*, never looked up or fetched directly.
 */
export interface WellKnownAddress {
  proxy: string;
  /** The address to ask the proxy for (some depend on the proxy's own address). */
  url: (proxy: URL) => string;
}

export const WELL_KNOWN_CA_ADDRESSES: readonly WellKnownAddress[] = [
  // The onboarding app's routes /cert/pem, /cert/p12, /cert/cer on its magic host mitm.it
  // (https://docs.mitmproxy.org/stable/concepts/certificates/, mitmproxy/mitmproxy
  // mitmproxy/addons/onboardingapp/__init__.py and its tests); tested here against Debian's mitmproxy 8.1.
  { proxy: 'mitmproxy', url: () => 'http://mitm.it/cert/pem' },
  // Burp answers http://burp (and http://burpsuite) itself; /cert is its CA in DER, as in
  // `curl -x 127.0.0.1:8080 http://burp/cert` (community scripts; not checked against Burp here).
  { proxy: 'Burp Suite', url: () => 'http://burp/cert' },
  { proxy: 'Burp Suite', url: () => 'http://burpsuite/cert' },
  // Help > SSL Proxying > "Install Charles Root Certificate on a Mobile Device": browse to
  // chls.pro/ssl through the proxy (not checked against Charles here).
  { proxy: 'Charles', url: () => 'http://chls.pro/ssl' },
  // Fiddler Classic serves FiddlerRoot.cer (DER) at its own address, http://HOST:8888/ by
  // default: asked of the proxy's own address (not checked against Fiddler here).
  { proxy: 'Fiddler', url: (proxy) => `http://${proxy.host}/FiddlerRoot.cer` },
];
