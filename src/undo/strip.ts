/**
 * `text` without what trustpatch appended: the exact recorded bytes (their last occurrence),
 * so the file comes back byte for byte; failing that, the PEM it appended (after its marker
 * line, for certifi) without the newline put before it. Only text trustpatch wrote itself is
 * ever cut: a copy in any other form is someone else's. Undefined when none is there.
 */
export function stripAppended(text: string, appended: string): string | undefined {
  const begin = appended.indexOf('-----BEGIN');
  const marker = appended.lastIndexOf('# trustpatch ', begin);
  const fallback = marker !== -1 ? appended.slice(marker) : appended.slice(Math.max(0, begin));
  for (const piece of [appended, fallback]) {
    const at = piece === '' ? -1 : text.lastIndexOf(piece);
    if (at !== -1) return text.slice(0, at) + text.slice(at + piece.length);
  }
  return undefined;
}
