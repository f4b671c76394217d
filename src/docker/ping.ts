import type Dockerode from 'dockerode';
import { EngineError } from '../errors.js';
import { negotiateApiVersion, type EngineVersion } from './api-version.js';
import { describe, statusCode } from './engine-errors.js';
import { SshError } from './ssh-errors.js';

/** dockerode takes an abort signal here and docker-modem a version, though the typings omit them. */
interface UntypedDockerode {
  ping(options: { abortSignal: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal: AbortSignal }): Promise<unknown>;
  modem: { version?: string };
}

/** Go's net/http answers a plain request on a TLS port with this 400 (net/http/server.go). */
const PLAIN_TO_TLS = /Client sent an HTTP request to an HTTPS server/i;

/**
 * `GET /_ping` must say OK and `GET /version` must carry a usable API version, within
 * `timeoutMs` each; then every later request is pinned to the negotiated version. Anything
 * else is an EngineError naming the address: nothing there, not an engine, or too old.
 */
export async function pingEngine(docker: Dockerode, endpoint: string, timeoutMs: number): Promise<EngineVersion> {
  const untyped = docker as unknown as UntypedDockerode;
  const ask = async (what: 'ping' | 'version') => {
    try {
      return await untyped[what]({ abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw unreachable(error, endpoint, timeoutMs);
    }
  };
  const answer = await ask('ping');
  const text = Buffer.isBuffer(answer) ? answer.toString('utf8') : String(answer);
  if (text.trim() !== 'OK')
    throw new EngineError(
      `${endpoint} answered GET /_ping with ${JSON.stringify(text.slice(0, 60))}, not a Docker engine's "OK"; is it the engine's address?`,
    );
  const engine = negotiateApiVersion(await ask('version'), endpoint);
  untyped.modem.version = `v${engine.useApiVersion}`;
  return engine;
}

function unreachable(error: unknown, endpoint: string, timeoutMs: number): EngineError {
  const code = statusCode(error);
  if (code !== undefined) {
    // docker-modem words it "(HTTP code 404) unexpected - BODY": keep the body, shortened.
    const body = describe(error)
      .replace(/^\(HTTP code \d+\)[^-]*- /, '')
      .trim()
      .slice(0, 80);
    if (code === 400 && PLAIN_TO_TLS.test(body)) {
      return new EngineError(
        `${endpoint} speaks TLS, and trustpatch spoke plain HTTP to it; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=DIR (the directory of ca.pem, cert.pem and key.pem, as for docker --tlsverify), or use a Docker context that has them (docker context create --docker host=…,ca=…,cert=…,key=…)`,
        { cause: error },
      );
    }
    return new EngineError(
      `${endpoint} answered HTTP ${code} where a Docker engine answers 200 (${body || 'no body'}); is it the engine's address?`,
      { cause: error },
    );
  }
  // ssh's failures already name the host and the next step (ssh-errors.ts).
  if (error instanceof SshError)
    return new EngineError(`no Docker engine answers at ${endpoint}: ${error.message}.`, { cause: error });
  const hint = 'start the engine, or pick a reachable one with --host, --context or DOCKER_HOST.';
  const name = (error as Error | undefined)?.name;
  const why =
    name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs / 1000}s` : describe(error);
  return new EngineError(`no Docker engine answers at ${endpoint} (${why}); ${hint}`, { cause: error });
}
