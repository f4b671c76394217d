import type { PathStat } from './container-client.js';

// Bit positions of Go's os.FileMode type bits, which the engine puts in the mode of
// X-Docker-Container-Path-Stat (https://pkg.go.dev/io/fs#FileMode).
const DIR = 31;
const SYMLINK = 27;
const OTHER_TYPES = [26, 25, 24, 21, 19]; // device, named pipe, socket, char device, irregular

/** Decodes the base64 JSON stat header of a HEAD /containers/{id}/archive answer. */
export function parsePathStat(header: string | string[] | undefined): PathStat | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  const stat = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as {
    name: string;
    size: number;
    mode: number;
    linkTarget?: string;
  };
  // FileMode can exceed 2^31: test bits arithmetically, not with JavaScript's 32-bit operators.
  const bit = (n: number) => Math.floor(stat.mode / 2 ** n) % 2 === 1;
  const type = bit(DIR) ? 'directory' : bit(SYMLINK) ? 'symlink' : OTHER_TYPES.some(bit) ? 'other' : 'file';
  // Podman's compat API (4.3) fills linkTarget for regular files too, with their own path: only
  // a link has a target.
  return {
    name: stat.name,
    size: stat.size,
    type,
    linkTarget: type === 'symlink' ? stat.linkTarget || undefined : undefined,
  };
}
