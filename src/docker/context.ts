import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { dockerConfigDir, readPem, type EngineAddress, type EngineTls } from './engine-address.js';

/** The docker CLI's built-in context: DOCKER_HOST, else the local socket. It has no files. */
export const DEFAULT_CONTEXT = 'default';

/**
 * The context the docker CLI would use when neither --host nor --context is given and
 * DOCKER_HOST is unset: DOCKER_CONTEXT, else `currentContext` in config.json, else `default`.
 * (docker/cli cli/command/cli.go, resolveContextName.)
 */
export function currentContextName(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  const path = join(dockerConfigDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return DEFAULT_CONTEXT;
  }
  let config: { currentContext?: unknown };
  try {
    config = JSON.parse(text) as { currentContext?: unknown };
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message}); fix the file or set DOCKER_HOST.`);
  }
  return typeof config.currentContext === 'string' && config.currentContext !== ''
    ? config.currentContext
    : DEFAULT_CONTEXT;
}

interface ContextMeta {
  Name?: unknown;
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

/**
 * Reads a named context from the docker CLI's store, as `docker context inspect` shows it:
 * `contexts/meta/<sha256(name)>/meta.json` holds Endpoints.docker.Host and SkipTLSVerify, and
 * `contexts/tls/<sha256(name)>/docker/` holds ca.pem, cert.pem and key.pem when the context
 * was created with TLS material (docker/cli cli/context/store).
 */
export function loadContext(name: string, env: NodeJS.ProcessEnv): EngineAddress {
  const origin = `context ${JSON.stringify(name)}`;
  const dir = dockerConfigDir(env);
  const id = createHash('sha256').update(name).digest('hex');
  const metaPath = join(dir, 'contexts', 'meta', id, 'meta.json');
  let meta: ContextMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ContextMeta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UserError(`${origin}: no such Docker context in ${dir}; see \`docker context ls\`.`);
    throw new UserError(
      `${origin}: cannot read ${metaPath} (${(error as Error).message}); recreate it with \`docker context create\`.`,
    );
  }
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || endpoint.Host === '')
    throw new UserError(
      `${origin}: ${metaPath} has no Docker endpoint; recreate it with \`docker context create ${name} --docker host=…\`.`,
    );
  return {
    host: endpoint.Host,
    origin,
    tls: contextTls(join(dir, 'contexts', 'tls', id, 'docker'), endpoint.SkipTLSVerify === true),
  };
}

/** The CLI uses TLS for a context that has TLS files or skips verification; otherwise none. */
function contextTls(dir: string, skipVerify: boolean): EngineTls | undefined {
  const setting = 'the context (docker context update)';
  const ca = readPem(join(dir, 'ca.pem'), false, setting);
  const cert = readPem(join(dir, 'cert.pem'), false, setting);
  const key = readPem(join(dir, 'key.pem'), false, setting);
  if (!ca && !cert && !key && !skipVerify) return undefined;
  return { verify: !skipVerify, ca, cert, key };
}
