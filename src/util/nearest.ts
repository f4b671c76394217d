/** The candidate closest to `word` by edit distance, if close enough to be a typo of it. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  // Up to a third of the word wrong (at least 1, at most 3), or the word a prefix of it.
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  if (best !== undefined && (best.distance <= allowed || (word.length >= 3 && best.candidate.startsWith(word))))
    return best.candidate;
  return candidates.find((c) => word.length >= 3 && c.startsWith(word));
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
