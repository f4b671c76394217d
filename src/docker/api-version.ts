import { EngineError } from '../errors.js';

/** The Docker Engine API version trustpatch is written against (Docker 20.10, Podman 4's compat API). */
export const KNOWN_API_VERSION = '1.41';
/** The oldest API with everything trustpatch uses (exec as a user, archive, filters): Docker 19.03. */
export const MINIMUM_API_VERSION = '1.40';

/** What an engine says about itself in `GET /version`: the fields trustpatch reads. */
export interface EngineVersion {
  /** `Docker 20.10.24` or `Podman 4.3.1`. */
  product: string;
  apiVersion: string;
  /** The API version every request is pinned to from then on. */
  useApiVersion: string;
}

/**
 * Picks the API version to speak, like the docker CLI's negotiation: the engine's own version
 * or ours, whichever is older, raised to the engine's minimum if it dropped ours. An engine
 * older than MINIMUM_API_VERSION, or an answer that is not an engine's, is an EngineError.
 */
export function negotiateApiVersion(answer: unknown, endpoint: string): EngineVersion {
  const body = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
  const api = body.ApiVersion;
  if (typeof api !== 'string' || parse(api) === undefined) {
    throw new EngineError(
      `${endpoint} answered GET /version without a Docker API version (${preview(answer)}); is it a Docker or Podman engine's address?`,
    );
  }
  const product = productOf(body);
  if (compare(api, MINIMUM_API_VERSION) < 0) {
    throw new EngineError(
      `${product} at ${endpoint} speaks Docker API ${api}; trustpatch needs API ${MINIMUM_API_VERSION} or newer (Docker 19.03+, Podman 3+): upgrade the engine.`,
    );
  }
  let use = compare(api, KNOWN_API_VERSION) < 0 ? api : KNOWN_API_VERSION;
  const minimum = typeof body.MinAPIVersion === 'string' && parse(body.MinAPIVersion) ? body.MinAPIVersion : undefined;
  if (minimum !== undefined && compare(use, minimum) < 0) use = minimum;
  return { product, apiVersion: api, useApiVersion: use };
}

function productOf(body: Record<string, unknown>): string {
  const components = Array.isArray(body.Components) ? (body.Components as { Name?: unknown }[]) : [];
  const podman = components.some((c) => typeof c.Name === 'string' && /podman/i.test(c.Name));
  const version = typeof body.Version === 'string' ? ` ${body.Version}` : '';
  return `${podman ? 'Podman' : 'Docker'}${version}`;
}

function parse(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Negative, zero or positive, comparing `1.9` below `1.10`. */
export function compare(a: string, b: string): number {
  const [aMajor, aMinor] = parse(a) ?? [0, 0];
  const [bMajor, bMinor] = parse(b) ?? [0, 0];
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

function preview(answer: unknown): string {
  const text = Buffer.isBuffer(answer)
    ? answer.toString('utf8')
    : typeof answer === 'string'
      ? answer
      : (JSON.stringify(answer) ?? String(answer));
  const line = text.replace(/\s+/g, ' ').trim();
  return line === '' ? 'an empty answer' : `it said: ${line.length > 80 ? `${line.slice(0, 80)}…` : line}`;
}
