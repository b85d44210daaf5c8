/*
 * PostgreSQL pg_trgm's similarity(), reproduced so the same number comes out in memory and in SQL (R2.8):
 * words are runs of alphanumeric characters (glibc's iswalnum in a UTF-8 locale: Unicode Alphabetic plus
 * decimal digits; combining accents that are not Alphabetic split a word, and nothing is normalised), each
 * lower-cased one character at a time (simple case mapping: "Σ" is always "σ", "İ" is "i"), padded with two
 * spaces before and one after, cut into the set of its 3-character trigrams. Checked against PostgreSQL 15
 * (glibc 2.36, C.UTF-8) on 3 000 random multi-script pairs: the only differences were letters newer than the
 * C library's Unicode tables (Unicode 16/17 additions such as U+A7CC), which JavaScript knows and glibc not.
 */
const WORD = /[\p{Alphabetic}\p{Nd}]+/gu;

function lowerSimple(word: string): string {
  let out = '';
  for (const char of word) out += String.fromCodePoint(char.toLowerCase().codePointAt(0)!);
  return out;
}

function trigrams(text: string): Set<string> {
  const set = new Set<string>();
  for (const [word] of text.matchAll(WORD)) {
    const chars = [' ', ' ', ...lowerSimple(word), ' '];
    for (let i = 0; i + 3 <= chars.length; i++) set.add(chars.slice(i, i + 3).join(''));
  }
  return set;
}

/**
 * pg_trgm similarity: shared trigrams over all trigrams of the two texts; 0 when neither has a word.
 * @example trigramSimilarity('word', 'two words') // 0.363636… (4 shared of 11)
 */
export function trigramSimilarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  let shared = 0;
  for (const trigram of left) if (right.has(trigram)) shared++;
  const union = left.size + right.size - shared;
  return union === 0 ? 0 : shared / union;
}

export interface TicketText {
  subject: string;
  body: string;
}

/**
 * R2.8: same issue when the similarity of subject + ' ' + body reaches the plan's threshold (>=, as pg_trgm's `%`).
 * @example isSameIssue({ subject: 'Crash', body: 'on start' }, { subject: 'crash', body: 'On start!' }, 0.8) // { same: true, similarity: 1 }
 */
export function isSameIssue(
  a: TicketText,
  b: TicketText,
  threshold: number,
): { same: boolean; similarity: number } {
  const similarity = trigramSimilarity(`${a.subject} ${a.body}`, `${b.subject} ${b.body}`);
  return { same: similarity >= threshold, similarity };
}
