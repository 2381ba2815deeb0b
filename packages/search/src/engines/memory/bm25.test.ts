import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { extraTextOf, tokenize } from '../../query.js';
import type { SearchDocument } from '../../types.js';
import { editDistance } from './bm25.js';
import { memoryEngine } from './index.js';

// A corpus with varied field lengths, repeated words, prefixes sharing a stem, near-misspellings
// and extra fields, so ranking depends on every part of the BM25 formula.
let seed = 11;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const vocabulary = [
  ...['card', 'cards', 'cardholder', 'refund', 'refunds', 'ledger', 'ledgers', 'payment', 'payments'],
  ...['stream', 'kafka', 'audit', 'tax', 'retry'],
];
const docs: SearchDocument[] = Array.from({ length: 600 }, (_, i) => ({
  type: 'software-catalog',
  title: `${pick(vocabulary)}-${pick(['api', 'worker', 'ledger', 'card'])}-${i}`,
  text: Array.from({ length: 3 + Math.floor(rand() * 20) }, () => pick(vocabulary)).join(' '),
  location: `/catalog/${String(i).padStart(3, '0')}`,
  owner: pick(['team-card', 'team-tax', 'team-ledger']),
  tags: [pick(vocabulary), pick(vocabulary)],
}));
docs.push({ type: 'software-catalog', title: 'card refund', text: 'exactly the query', location: '/catalog/exact' });

/**
 * The ranking MiniSearch itself gives: one AND query scoring every match, as the engine did before it
 * scored postings itself. Same fields, boosts, tokenizer and `extra` text (its words minus the title's).
 */
function reference(words: string[], phrase: string[] = [], fuzzyWord?: string): string[] {
  const mini = new MiniSearch<SearchDocument>({
    idField: 'location',
    fields: ['title', 'text', 'extra'],
    extractField: (doc, field) => {
      if (field === 'location') return doc.location;
      if (field !== 'extra') return String(doc[field] ?? '');
      const title = new Set(tokenize(doc.title));
      return tokenize(extraTextOf(doc))
        .filter((w) => !title.has(w))
        .join(' ');
    },
    tokenize,
    processTerm: (term) => term,
  });
  mini.addAll(docs);
  const queries = [
    ...words.map((word) => ({ queries: [word], prefix: true, fuzzy: word === fuzzyWord ? 0.2 : false })),
    ...phrase.map((word) => ({ queries: [word], prefix: false })),
  ];
  const exact = [...words, ...phrase].join(' ');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${phrase.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'iu');
  return mini
    .search({ combineWith: 'AND', queries }, { boost: { title: 3, text: 1, extra: 0.5 } })
    .filter((r) => {
      const doc = docs.find((d) => d.location === r.id)!;
      return phrase.length < 2 || pattern.test(`${doc.title}\n${doc.text}\n${extraTextOf(doc)}`);
    })
    .map((r) => {
      const doc = docs.find((d) => d.location === r.id)!;
      return { location: doc.location, score: tokenize(doc.title).join(' ') === exact ? r.score * 2 : r.score };
    })
    .sort((a, b) => b.score - a.score || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
    .map((r) => r.location);
}

describe('memory engine scoring', () => {
  const cases: Array<[label: string, term: string, words: string[], phrase?: string[], fuzzyWord?: string]> = [
    ['one word', 'refund', ['refund']],
    ['a prefix expanding to several terms', 'card', ['card']],
    ['two words', 'ledger kafka', ['ledger', 'kafka']],
    ['a word and a phrase', 'audit "card refund"', ['audit'], ['card', 'refund']],
    ['a phrase', '"card refund"', [], ['card', 'refund']],
    ['a misspelled word', 'ledgr kafka', ['ledgr', 'kafka'], [], 'ledgr'],
  ];
  it.each(cases)('ranks %s as MiniSearch scoring every match does', async (_, term, words, phrase, fuzzyWord) => {
    const engine = memoryEngine();
    await engine.upsert(docs);
    const expected = reference(words, phrase, fuzzyWord);
    expect(expected.length).toBeGreaterThan(3);
    const got: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.query({ term, pageLimit: 100, ...(cursor ? { pageCursor: cursor } : {}) });
      expect(page.numberOfResults).toBe(expected.length);
      got.push(...page.results.map((r) => r.document.location));
      cursor = page.nextPageCursor;
    } while (cursor);
    expect(got).toEqual(expected);
  });

  it('counts edit distance as Levenshtein does', () => {
    expect(editDistance('ledgr', 'ledger')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
  });
});
