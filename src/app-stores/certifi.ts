import { bundleFingerprints } from '../cert/pem.js';
import { PYTHON_TLS_CHECK } from '../check/tls-clients.js';
import type { ContainerClient } from '../docker/container-client.js';
import { pathExists, readContainerFile } from '../docker/files.js';
import { tail } from '../errors.js';
import type { CertifiStore } from './types.js';

/** `# trustpatch <fingerprint>`: the line put before each CA appended to a certifi file. */
export function certifiMarker(fingerprint: string): string {
  return `# trustpatch ${fingerprint}`;
}

/** Asks a certifi copy, through the Python that would import it, which file it really uses. */
const WHERE =
  'import importlib, sys\nsys.path.insert(0, sys.argv[1])\nprint(importlib.import_module(sys.argv[2]).where())';

/**
 * Where a `.../site-packages/<module path>/cacert.pem` comes from: its site directory, its module
 * (`certifi`, `pip._vendor.certifi`) and the interpreters of that prefix that would import it
 * (a virtualenv's own bin/python first). Undefined when the path is not under a site directory.
 */
export function certifiLocation(path: string): { site: string; module: string; pythons: string[] } | undefined {
  const match = /^(.*\/(?:site|dist)-packages)\/(.+)\/cacert\.pem$/.exec(path);
  if (!match) return undefined;
  const parts = match[2]!.split('/');
  if (!parts.every((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part))) return undefined;
  const lib = /^(.*)\/lib(?:64)?\/(python[\d.]*)$/.exec(match[1]!.replace(/\/(?:site|dist)-packages$/, ''));
  const pythons = lib ? [...new Set([`${lib[1]}/bin/${lib[2]}`, `${lib[1]}/bin/python3`, `${lib[1]}/bin/python`])] : [];
  return { site: match[1]!, module: parts.join('.'), pythons };
}

/**
 * Reads one certifi `cacert.pem` and asks its Python what `where()` returns: only a copy that
 * returns itself is a store of its own. Debian patches certifi (and pip's vendored copy) to
 * return /etc/ssl/certs/ca-certificates.crt, which the system patch already covers.
 */
export async function inspectCertifi(
  client: ContainerClient,
  id: string,
  path: string,
  systemBundles: ReadonlySet<string>,
): Promise<CertifiStore | undefined> {
  const file = await readContainerFile(client, id, path);
  if (file === undefined) return undefined;
  const base = {
    kind: 'certifi' as const,
    path,
    realPath: file.realPath,
    content: file.content,
    fingerprints: bundleFingerprints(file.content.toString('latin1')),
  };
  if (systemBundles.has(file.realPath))
    return { ...base, python: undefined, use: 'system', where: `${path} links to the system bundle ${file.realPath}` };
  const location = certifiLocation(path);
  let python: string | undefined;
  for (const candidate of location?.pythons ?? []) {
    if (await pathExists(client, id, candidate)) {
      python = candidate;
      break;
    }
  }
  if (location === undefined || python === undefined)
    return { ...base, python: undefined, use: 'unknown', where: 'no Python found next to it' };
  const run = await client.exec(id, [python, '-c', WHERE, location.site, location.module], { timeoutMs: 30_000 });
  if (run.exitCode !== 0)
    return {
      ...base,
      python,
      use: 'unknown',
      where: `${python} could not import ${location.module}: ${tail(run.stderr || run.stdout, 1)}`,
    };
  const where = run.stdout.trim().split('\n').pop() ?? '';
  const used = where.startsWith('/') ? await readContainerFile(client, id, where) : undefined;
  if (used?.realPath === file.realPath) return { ...base, python, use: 'own', where };
  if (used !== undefined && systemBundles.has(used.realPath)) return { ...base, python, use: 'system', where };
  return { ...base, python, use: 'other', where };
}

/** What appending one CA to a certifi file adds: a newline if the file lacks one, the marker line, the PEM. */
export function certifiAppend(current: string, fingerprint: string, pem: string): string {
  return `${current === '' || current.endsWith('\n') ? '' : '\n'}${certifiMarker(fingerprint)}\n${pem}`;
}

/** Checks `url` with the store's own Python and only that file as CAs; undefined when it passed, else why not. */
export async function checkWithCertifi(
  client: ContainerClient,
  id: string,
  store: CertifiStore,
  url: string,
  options: { proxy?: string; user?: string } = {},
): Promise<string | undefined> {
  const { proxy, user } = options;
  if (store.python === undefined) return 'no Python to check with';
  const env = proxy === undefined ? undefined : [`https_proxy=${proxy}`, `HTTPS_PROXY=${proxy}`];
  const run = await client.exec(id, [store.python, '-c', PYTHON_TLS_CHECK, url, '15', store.realPath], {
    env,
    timeoutMs: 25_000,
    user,
  });
  return run.exitCode === 0
    ? undefined
    : `${store.python} with ${store.realPath}: ${tail(run.stderr || run.stdout, 1)}`;
}
