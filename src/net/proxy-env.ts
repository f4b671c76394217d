import { UserError } from '../errors.js';

/** Where to connect to, taken from an https:// URL. */
export interface Target {
  host: string;
  port: number;
}

/** The target of an `https://` URL; anything else is refused with the reason. */
export function httpsTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${JSON.stringify(url)}: not a URL; give one like https://host:port/.`);
  }
  if (parsed.protocol !== 'https:')
    throw new UserError(`${url}: fetch-ca needs an https:// URL (the proxy shows its CA only when it intercepts TLS).`);
  return { host: bare(parsed.hostname), port: parsed.port === '' ? 443 : Number(parsed.port) };
}

/**
 * The proxy to tunnel through: `--proxy` if given, else HTTPS_PROXY / https_proxy unless
 * NO_PROXY / no_proxy exempts the host (curl's conventions; CIDR entries are not supported).
 */
export function proxyFor(target: Target, explicit: string | undefined, env: NodeJS.ProcessEnv): URL | undefined {
  if (explicit !== undefined && explicit !== '') return parseProxy(explicit, '--proxy');
  // An empty variable counts as unset, as in curl.
  const fromEnv = env.https_proxy || env.HTTPS_PROXY;
  if (!fromEnv) return undefined;
  if (exempt(target, env.no_proxy || env.NO_PROXY || '')) return undefined;
  return parseProxy(fromEnv, env.https_proxy ? 'https_proxy' : 'HTTPS_PROXY');
}

/** A proxy URL for messages: without the credentials it may carry. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function parseProxy(value: string, origin: string): URL {
  let proxy: URL;
  try {
    proxy = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    throw new UserError(`${origin}: ${JSON.stringify(value)} is not a proxy URL; give one like http://127.0.0.1:3128.`);
  }
  if (proxy.protocol !== 'http:')
    throw new UserError(`${origin}: only http:// proxies (HTTP CONNECT) are supported, not ${proxy.protocol}//.`);
  return proxy;
}

function exempt(target: Target, noProxy: string): boolean {
  const host = target.host.toLowerCase();
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      const [name, port] = splitHostPort(raw.toLowerCase().replace(/^\*?\./, ''));
      if (port !== undefined && port !== target.port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/** `host`, `host:port`, `[v6]:port`, or a bare IPv6 address (several colons, no port). */
function splitHostPort(entry: string): [string, number | undefined] {
  const bracketed = /^\[(.*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1]!, bracketed[2] === undefined ? undefined : Number(bracketed[2])];
  const colons = entry.split(':').length - 1;
  if (colons !== 1) return [entry, undefined];
  const [name, port] = entry.split(':');
  return [name!, /^\d+$/.test(port!) ? Number(port) : undefined];
}

/** URL hostnames keep IPv6 brackets; sockets want the address without them. */
function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}
