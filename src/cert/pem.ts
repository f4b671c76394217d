import { createHash } from 'node:crypto';

/** One `-----BEGIN X-----` block: its label and the DER bytes inside. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

/** A BEGIN or END line; the lookahead lets markers share dashes (`-----BEGIN A-----END A-----`). */
const MARKER = /-----(BEGIN|END) ([A-Z0-9 #]+)(?=-----)/g;

interface Scan {
  blocks: PemBlock[];
  /** The label of the first BEGIN line outside any block that no END line closes. */
  unterminated: string | undefined;
}

/**
 * Finds the blocks in one pass over the markers: each BEGIN is closed by the first END with the
 * same label after it, and scanning resumes after that END. A regular expression with a lazy
 * body and a back-reference does the same in quadratic time: 1 MB of BEGIN lines without END
 * took 20 s, and a bundle inside a container is input too.
 */
function scanPem(text: string): Scan {
  const markers = [...text.matchAll(MARKER)].map((m) => ({
    begin: m[1] === 'BEGIN',
    label: m[2]!,
    start: m.index!,
    end: m.index! + m[0].length + 5,
  }));
  // Where each label is closed, in order, to find "the first END after" by binary search.
  const ends = new Map<string, number[]>();
  markers.forEach((marker, index) => {
    if (marker.begin) return;
    const list = ends.get(marker.label) ?? [];
    list.push(index);
    ends.set(marker.label, list);
  });
  const blocks: PemBlock[] = [];
  let unterminated: string | undefined;
  let resume = 0;
  for (const [index, marker] of markers.entries()) {
    if (!marker.begin || marker.start < resume) continue;
    const close = firstAfter(ends.get(marker.label) ?? [], index, (i) => markers[i]!.start >= marker.end);
    if (close === undefined) {
      unterminated ??= marker.label;
      continue;
    }
    const endMarker = markers[close]!;
    const body = text
      .slice(marker.end, endMarker.start)
      .replace(/^[A-Za-z-]+:.*$/gm, '')
      .replace(/[^A-Za-z0-9+/=]/g, '');
    blocks.push({ label: marker.label, der: Buffer.from(body, 'base64') });
    resume = endMarker.end;
  }
  return { blocks, unterminated };
}

/** The first index in a sorted list that comes after `after` and passes `ok` (monotonic). */
function firstAfter(sorted: readonly number[], after: number, ok: (index: number) => boolean): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! > after && ok(sorted[mid]!)) high = mid;
    else low = mid + 1;
  }
  return sorted[low];
}

/** Every PEM block in a text, in order; text around the blocks is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  return scanPem(text).blocks;
}

/** True when the text has PEM armour at all: then it is read as PEM, never as DER. */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/** The label of the first BEGIN line that no END line closes (a truncated file), if any. */
export function unterminatedLabel(text: string): string | undefined {
  return scanPem(text).unterminated;
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
