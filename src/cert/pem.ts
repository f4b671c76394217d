import { createHash } from 'node:crypto';

/** One `-----BEGIN X-----` block: its label and the DER bytes inside. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const BEGIN = /-----BEGIN ([A-Z0-9 #]+)-----/;

/** Every PEM block in a text, in order; text around the blocks is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2]!.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/[^A-Za-z0-9+/=]/g, '');
    blocks.push({ label: match[1]!, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** True when the text has PEM armour at all: then it is read as PEM, never as DER. */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/** The label of the first BEGIN line that no END line closes (a truncated file), if any. */
export function unterminatedLabel(text: string): string | undefined {
  return text.replace(BLOCK, '').match(BEGIN)?.[1];
}

export function pemEncode(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** SHA-256 of DER bytes as lowercase hex without separators: how trustpatch names a certificate. */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** SHA-256 fingerprints of every certificate in a PEM bundle, in order (duplicates kept). */
export function bundleFingerprints(bundle: string): string[] {
  return pemBlocks(bundle)
    .filter((block) => block.label === 'CERTIFICATE' || block.label === 'TRUSTED CERTIFICATE')
    .map((block) => sha256Hex(block.der));
}
