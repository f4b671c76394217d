import { posix } from 'node:path';
import { UserError } from '../errors.js';

/**
 * The rules a Docker engine applies to `certs.d/<host[:port]>/`, as data. The engine reads
 * the directory on every registry request (moby registry.ReadCertsDirectory), so no restart
 * is needed after a change.
 * https://docs.docker.com/engine/security/certificates/
 */
export const CERTS_D = {
  defaultDir: '/etc/docker/certs.d',
  /** Every `*.crt` is appended to the CA pool, and only PEM is read (Go's AppendCertsFromPEM). */
  caExtension: '.crt',
  /** `<name>.cert` + `<name>.key` is one client certificate; either without the other aborts the lookup. */
  clientCertExtension: '.cert',
  clientKeyExtension: '.key',
  keyMode: 0o600,
  fileMode: 0o644,
  dirMode: 0o755,
  /** A registry on 443 is looked up without the port, unless image names spell `:443` out. */
  defaultPort: '443',
  /** Docker's default insecure range: it skips TLS checks there and never reads certs.d. */
  insecureByDefault: '127.0.0.0/8',
} as const;

export type FileRole = 'ca' | 'client-cert' | 'client-key' | 'ignored';

/** How the engine treats a file in a registry directory, by its name alone. */
export function roleOf(fileName: string): FileRole {
  if (fileName.endsWith(CERTS_D.caExtension)) return 'ca';
  if (fileName.endsWith(CERTS_D.clientCertExtension)) return 'client-cert';
  if (fileName.endsWith(CERTS_D.clientKeyExtension)) return 'client-key';
  return 'ignored';
}

/** `client.cert` -> `client.key` and back: the partner the engine insists on. */
export function partnerOf(fileName: string): string | undefined {
  const role = roleOf(fileName);
  if (role === 'client-cert')
    return `${fileName.slice(0, -CERTS_D.clientCertExtension.length)}${CERTS_D.clientKeyExtension}`;
  if (role === 'client-key')
    return `${fileName.slice(0, -CERTS_D.clientKeyExtension.length)}${CERTS_D.clientCertExtension}`;
  return undefined;
}

const BASE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A base name for `<name>.cert` / `<name>.key`, given with `flag`: a plain file name, never a path. */
export function checkBaseName(flag: string, name: string): string {
  if (!BASE_NAME.test(name))
    throw new UserError(
      `${flag} ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' only (at most 64, starting with a letter or digit).`,
    );
  return name;
}

export interface RegistryDir {
  /** The host as given, e.g. `registry.corp:5000`. */
  registry: string;
  /** The directory name the engine looks up, e.g. `registry.corp:5000` or `registry.corp`. */
  name: string;
  host: string;
  port: string | undefined;
  notes: string[];
}

// A host name, an IPv4 address or a bracketed IPv6 address, then an optional port.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:([0-9]{1,5}))?$/;

/** Parses `host[:port]` as typed in an image name and applies the `:443` rule. */
export function registryDir(registry: string): RegistryDir {
  const match = HOST_PORT.exec(registry);
  if (match === null) {
    const bare = registry.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    const hint =
      bare !== registry && HOST_PORT.test(bare)
        ? `give ${bare}`
        : 'give the host and optional port as in the image name, e.g. registry.corp:5000';
    throw new UserError(`registry ${JSON.stringify(registry)}: not a host[:port]; ${hint}.`);
  }
  const host = match[1]!;
  const port = match[4];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    throw new UserError(`registry ${JSON.stringify(registry)}: port ${port} is out of range (1-65535).`);
  const notes: string[] = [];
  if (port === CERTS_D.defaultPort) {
    notes.push(
      `dropped :443 from the directory name: the engine looks up certs.d/${host} for image names without a port (name images ${host}/..., not ${registry}/...).`,
    );
    return { registry, name: host, host, port, notes };
  }
  return { registry, name: registry, host, port, notes };
}

/** True for 127.0.0.0/8 and `localhost`, which the engine treats as insecure registries. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255);
}

export function loopbackWarning(name: string): string {
  return `${name} is a loopback address: Docker treats registries in ${CERTS_D.insecureByDefault} (and names that resolve there) as insecure, skips certificate checks for them and never reads certs.d/${name}; these files will not be used and no client certificate is sent.`;
}

export function registryPath(certsDir: string, dir: RegistryDir): string {
  return posix.join(certsDir, dir.name);
}
