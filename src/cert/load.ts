import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { Certificate } from './certificate.js';
import { readCertificates, type ReadOptions } from './read.js';
import { validateCertificates, type ValidateOptions } from './validate.js';

/** What `add` and `inspect` work from: the certificates of one input, deduplicated, in order. */
export interface LoadedCertificates {
  source: string;
  certificates: Certificate[];
  warnings: string[];
}

export interface LoadOptions extends ReadOptions, ValidateOptions {
  /**
   * Apply `add`'s checks (expired or not yet valid: UserError unless allowExpired; warnings for
   * near expiry, not a CA, an intermediate alone). Off by default: the registry commands judge
   * validity their own way, and a client certificate is rightly not a CA.
   */
  validate?: boolean;
}

/** Refuse inputs above this size before reading them whole: no CA file is anywhere near it. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Reads a certificate file (or `-` for standard input), returns its certificates and warnings,
 * and throws a UserError (exit 2) for anything unreadable, and with `validate` for anything
 * `add` must refuse, before anything is changed.
 */
export async function loadCertificates(source: string, options: LoadOptions = {}): Promise<LoadedCertificates> {
  const bytes = await readInput(source);
  return { source: displayName(source), ...parseCertificates(bytes, displayName(source), options) };
}

/** Certificates from PEM, DER, PKCS#7 or PKCS#12 (judged by content), validated if asked. */
export function parseCertificates(
  bytes: Buffer,
  source: string,
  options: LoadOptions = {},
): Omit<LoadedCertificates, 'source'> {
  const read = readCertificates(bytes, source, options);
  const warnings = options.validate ? validateCertificates(read.certificates, source, options) : [];
  return { certificates: read.certificates, warnings: [...read.warnings, ...warnings] };
}

/** How an input is named in messages. */
export function displayName(source: string): string {
  return source === '-' ? 'standard input' : source;
}

/** The bytes of a file, or of standard input for `-`, refusing directories and oversized inputs. */
export async function readInput(
  source: string,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<Buffer> {
  return source === '-' ? readStream(stdin) : readInputFile(source);
}

async function readInputFile(path: string): Promise<Buffer> {
  if (path === '') throw new UserError('the certificate file name is empty; give a path, or - for standard input.');
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      `${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}; give the path of a certificate file.`,
    );
  });
  if (info.isDirectory()) throw new UserError(`${path}: is a directory; give the path of a certificate file.`);
  if (info.size > MAX_INPUT_BYTES)
    throw new UserError(
      `${path}: ${info.size} bytes is too large for a certificate file (limit ${MAX_INPUT_BYTES}); give the CA certificate alone.`,
    );
  return readFile(path);
}

async function readStream(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_INPUT_BYTES)
      throw new UserError(
        `standard input: more than ${MAX_INPUT_BYTES} bytes is too large for a certificate file; give the CA certificate alone.`,
      );
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
