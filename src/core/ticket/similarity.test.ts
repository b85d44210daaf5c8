import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { isSameIssue, trigramSimilarity } from './similarity.ts';

// Expected values were read off PostgreSQL 15's pg_trgm (UTF8 database, C.UTF-8):
// select round(similarity(a, b)::numeric, 6)
describe('R2.8 trigram similarity equals pg_trgm similarity()', () => {
  it.each<[string, string, string, number]>([
    ['the reference example', 'word', 'two words', 0.363636],
    ['two empty texts', '', '', 0],
    ['one empty text', '', 'abc', 0],
    ['punctuation only: no words', '!!! ...', '?', 0],
    ['one letter', 'a', 'a', 1],
    ['a prefix', 'ab', 'abc', 0.4],
    ['case and punctuation are ignored', 'Hello, World!', 'hello world', 1],
    ['a hyphen splits words', 'hello-world', 'hello world', 1],
    ['an underscore splits words', 'foo_bar', 'foo bar', 1],
    ['an apostrophe splits words', "don't", 'dont', 0.375],
    ['trailing punctuation', 'The license key is rejected', 'the license key is rejected!!!', 1],
    ['trigrams are a set', 'aaa', 'aaaa', 1],
    ['non-ASCII upper case', 'ÉTÉ', 'été', 1],
    ['accents are letters of their own', 'Café', 'cafe', 0.428571],
    ['accents in two words', 'naïve café', 'naive cafe', 0.375],
    ['Σ lower-cases to σ, never to final ς', 'ΣΊΣΥΦΟΣ', 'σίσυφος', 0.6],
    ['İ lower-cases to i', 'İstanbul', 'istanbul', 1],
    ['ß is not expanded to ss', 'straße', 'STRASSE', 0.363636],
    ['CJK letters are alphanumeric', '日本語のテキスト', '日本語', 0.3],
    ['Cyrillic', 'Привет мир', 'привет', 0.636364],
    ['a combining accent splits a word (no normalisation)', 'e\u0301te', 'ete', 0.285714],
    ['½ is not alphanumeric', 'x½y', 'x y', 1],
    ['an emoji is not alphanumeric', 'emoji 😀 test', 'emoji test', 1],
    ['dots split version numbers', 'Version 5.2.1', 'version 5 2 1', 1],
    [
      'the same crash, worded differently',
      'Server crashes on startup after upgrade to 5.2',
      'After upgrading to 5.2 the server crashes at startup',
      0.740741,
    ],
    ['a related question', 'Cannot log in to the portal', 'Login to portal fails', 0.4],
  ])('%s', (_name, a, b, postgres) => {
    expect(trigramSimilarity(a, b)).toBeCloseTo(postgres, 6);
    expect(trigramSimilarity(b, a)).toBeCloseTo(postgres, 6);
  });
});

describe('R2.8 same issue (S1: ticket-desk closes the older ticket)', () => {
  const threshold = loadPreset('ticket-desk').automations.duplicateClose!.similarityThreshold;

  it.each<[string, { subject: string; body: string }, { subject: string; body: string }, boolean, number]>([
    [
      'R2.8 (S1): a second ticket for the same issue is the same issue',
      { subject: 'License key rejected', body: 'License key 5.2 rejected after renewal' },
      { subject: 'license key rejected', body: 'license key 5.2 is rejected after the renewal' },
      true,
      0.840909,
    ],
    [
      'R2.8 (S1): a different problem is not the same issue',
      { subject: 'Crash on start', body: 'The app crashes on start' },
      { subject: 'Export to PDF is slow', body: 'Exporting a 40-page report takes ten minutes' },
      false,
      0.066667,
    ],
    [
      'R2.8 (S1): the same crash worded differently stays below 0.8; an agent can mark it',
      { subject: 'Server crashes on startup', body: 'after upgrade to 5.2' },
      { subject: 'After upgrading to 5.2', body: 'the server crashes at startup' },
      false,
      0.740741,
    ],
  ])('%s', (_name, a, b, same, similarity) => {
    const result = isSameIssue(a, b, threshold);
    expect(result.same).toBe(same);
    expect(result.similarity).toBeCloseTo(similarity, 6);
  });

  it('R2.8 (S1): the preset threshold is 0.8', () => {
    expect(threshold).toBe(0.8);
  });

  it('R2.8: a similarity equal to the threshold counts as the same issue (as pg_trgm %)', () => {
    expect(isSameIssue({ subject: 'ab', body: '' }, { subject: 'abc', body: '' }, 0.4)).toEqual({
      same: true,
      similarity: 0.4,
    });
  });

  it('R2.8: subject and body are joined by a space, so words do not run together', () => {
    expect(
      isSameIssue({ subject: 'crash', body: 'report' }, { subject: 'crashreport', body: '' }, 0.8).same,
    ).toBe(false);
  });
});
