import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { certificateFromDer, type Certificate } from './certificate.js';
import { pemBlocks } from './pem.js';

/** What `add` and `inspect` work from: the certificates of one input, deduplicated, in order. */
export interface LoadedCertificates {
  source: string;
  certificates: Certificate[];
  warnings: string[];
}

/** Refuse inputs above this size before reading them whole: no CA file is anywhere near it. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** Reads a certificate file (or `-` for standard input) and returns its certificates. */
export async function loadCertificates(source: string): Promise<LoadedCertificates> {
  const bytes = source === '-' ? await readStdin() : await readInputFile(source);
  return { source, ...parseCertificates(bytes, source) };
}

/** Certificates from PEM (any number of blocks) or a single DER certificate, judged by content. */
export function parseCertificates(bytes: Buffer, source: string): Omit<LoadedCertificates, 'source'> {
  if (bytes.length === 0) throw new UserError(`${source}: the file is empty; give a PEM or DER certificate.`);
  const warnings: string[] = [];
  const text = bytes.toString('latin1');
  const blocks = pemBlocks(text);
  let ders: Buffer[];
  if (blocks.length > 0) {
    const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
    const keyBlocks = blocks.filter((b) => b.label.includes('PRIVATE KEY'));
    if (certBlocks.length === 0) {
      const found = [...new Set(blocks.map((b) => b.label))].join(', ');
      throw new UserError(`${source}: found a ${found} block and no certificate; give the CA certificate, not its key.`);
    }
    if (keyBlocks.length > 0) warnings.push(`${source}: a private key in the file was ignored; it is never copied anywhere.`);
    ders = certBlocks.map((b) => b.der);
  } else {
    ders = [bytes];
  }
  const certificates: Certificate[] = [];
  for (const der of ders) {
    let certificate: Certificate;
    try {
      certificate = certificateFromDer(der);
    } catch {
      throw new UserError(`${source}: not a readable certificate (expected PEM or DER); check the file, or run \`trustpatch inspect ${source}\`.`);
    }
    if (!certificates.some((c) => c.fingerprint === certificate.fingerprint)) certificates.push(certificate);
  }
  return { certificates, warnings };
}

async function readInputFile(path: string): Promise<Buffer> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}; give the path of a certificate file.`);
  });
  if (info.isDirectory()) throw new UserError(`${path}: is a directory; give the path of a certificate file.`);
  if (info.size > MAX_INPUT_BYTES) throw new UserError(`${path}: ${info.size} bytes is too large for a certificate file (limit ${MAX_INPUT_BYTES}).`);
  return readFile(path);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) throw new UserError(`standard input: more than ${MAX_INPUT_BYTES} bytes is too large for a certificate file.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
