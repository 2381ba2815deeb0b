import { describe, expect, it } from 'vitest';
import type { SearchDocument } from '../../types.js';
// Through the published entry point, as an engine author would.
import { runEngineContract } from '@portalkit/search/testing';
import { memoryEngine } from './index.js';

runEngineContract({ name: 'memory', create: () => memoryEngine() });

describe('memoryEngine', () => {
  const doc = (i: number, text: string, owner: string): SearchDocument => ({
    type: 'software-catalog',
    title: `service-${String(i).padStart(3, '0')}`,
    text,
    location: `/catalog/default/component/service-${i}`,
    owner,
  });
  // Varying text lengths and repeats give varied BM25 scores, with ties among equal texts.
  const docs = Array.from({ length: 250 }, (_, i) =>
    doc(i, `${'shared '.repeat(1 + (i % 4))}${'filler '.repeat(i % 7)}word${i}`, `team-${i % 5}`),
  );

  it('pages of 10 follow the same order as one page of 100', async () => {
    const e = memoryEngine();
    await e.upsert(docs);
    const big = (await e.query({ term: 'shared', pageLimit: 100 })).results.map((r) => r.document.location);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await e.query({ term: 'shared', pageLimit: 10, ...(cursor ? { pageCursor: cursor } : {}) });
      expect(result.numberOfResults).toBe(250);
      paged.push(...result.results.map((r) => r.document.location));
      cursor = result.nextPageCursor;
    }
    expect(paged).toEqual(big);
  });

  it('ranks a word matching thousands of documents as a full scoring would', async () => {
    // Same distinct-word count everywhere, so only the word's frequency tells documents apart; the
    // most relevant ones come last by location, where a ranking that ignored it would not look.
    const many = Array.from({ length: 2000 }, (_, i): SearchDocument => ({
      type: 'software-catalog',
      title: `d${i}`,
      text: `${'shared '.repeat(i >= 1990 ? 4 : 1)}word${i} other`,
      location: `/d/${String(i).padStart(4, '0')}`,
    }));
    const e = memoryEngine();
    await e.upsert([...many, { type: 'software-catalog', title: 'Shared', text: 'nothing else', location: '/z' }]);
    const result = await e.query({ term: 'shared', pageLimit: 12 });
    expect(result.numberOfResults).toBe(2001);
    expect(result.results.map((r) => r.document.location)).toEqual(['/z', ...many.slice(1990).map((d) => d.location), '/d/0000']);
    expect(result.results[1]!.highlight?.fields.text).toContain('<mark>shared</mark>');
    const big = (await e.query({ term: 'shared', pageLimit: 100 })).results.map((r) => r.document.location);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await e.query({ term: 'shared', pageLimit: 10, ...(cursor ? { pageCursor: cursor } : {}) });
      paged.push(...r.results.map((x) => x.document.location));
      cursor = r.nextPageCursor;
    }
    expect(paged).toEqual(big);
  });

  it('continues a cursor over the current index after a write', async () => {
    const e = memoryEngine();
    await e.upsert(docs.slice(0, 30));
    const first = await e.query({ term: 'shared', pageLimit: 10 });
    expect(first.numberOfResults).toBe(30);
    await e.remove('software-catalog', docs.slice(0, 20).map((d) => d.location));
    const second = await e.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! });
    expect(second.numberOfResults).toBe(10);
    expect(second.results).toEqual([]);
    await e.upsert(docs.slice(30, 50));
    const again = await e.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! });
    expect(again.numberOfResults).toBe(30);
    expect(again.results.map((r) => r.document.location)).not.toContain(docs[0]!.location);
  });

  it('keeps filter lookups up to date after upserts and removals', async () => {
    const e = memoryEngine();
    await e.upsert(docs);
    const owned = async () => (await e.query({ term: 'shared', filters: { owner: 'team-1' }, pageLimit: 100 })).numberOfResults;
    expect(await owned()).toBe(50);
    await e.upsert([{ ...docs[0]!, owner: 'team-1' }]);
    expect(await owned()).toBe(51);
    await e.remove('software-catalog', [docs[1]!.location]);
    expect(await owned()).toBe(50);
    await e.remove('software-catalog', { filters: { owner: 'team-1' } });
    expect(await owned()).toBe(0);
    expect((await e.query({ term: 'shared' })).numberOfResults).toBe(199);
  });

  it('matches a misspelled word fuzzily only when it matches nothing as written', async () => {
    const e = memoryEngine();
    await e.upsert([doc(1, 'exporter of invoices', 'team-a'), doc(2, 'importer of invoices', 'team-a')]);
    expect((await e.query({ term: 'exporter' })).results.map((r) => r.document.text)).toEqual(['exporter of invoices']);
    expect((await e.query({ term: 'exportr invoices' })).results.map((r) => r.document.text)).toEqual(['exporter of invoices']);
  });

  it('finds a phrase only in a field that has all its words, counting title words in other fields', async () => {
    const e = memoryEngine();
    const at = (location: string, title: string, text: string, tags: string[] = []): SearchDocument => ({
      type: 'software-catalog',
      title,
      text,
      location,
      tags,
    });
    await e.upsert([
      // The other fields' text is indexed without the title's words, so "card" is only a title word here.
      at('/tag', 'card service', 'nothing', ['card-refund']),
      at('/text', 'service', 'handles card refund requests'),
      at('/split', 'card service', 'refund only'),
      at('/apart', 'service', 'card then refund'),
      at('/reversed', 'refund card', 'refund card'),
    ]);
    const found = async (term: string) => (await e.query({ term })).results.map((r) => r.document.location).sort();
    expect(await found('"card refund"')).toEqual(['/tag', '/text']);
    expect(await found('"refund card"')).toEqual(['/reversed']);
    expect(await found('service "card refund"')).toEqual(['/tag', '/text']);
  });

  it('reuses the ids of replaced and removed documents without mixing them up', async () => {
    const e = memoryEngine();
    const found = async (term: string, filters?: Record<string, string>) =>
      (await e.query({ term, ...(filters ? { filters } : {}) })).results.map((r) => r.document.title).sort();
    await e.upsert([doc(1, 'alpha beta', 'team-a'), doc(2, 'alpha gamma', 'team-b')]);
    for (const word of ['first', 'second', 'third']) await e.upsert([doc(1, `alpha beta ${word}`, 'team-a')]);
    await e.remove('software-catalog', [docs[2]!.location]);
    await e.upsert([doc(3, 'alpha delta', 'team-b')]);
    expect(await found('alpha')).toEqual(['service-001', 'service-003']);
    expect(await found('alpha gamma')).toEqual([]);
    expect(await found('alpha delta')).toEqual(['service-003']);
    expect(await found('alpha third')).toEqual(['service-001']);
    expect(await found('alpha second')).toEqual([]);
    expect(await found('alpha', { owner: 'team-b' })).toEqual(['service-003']);
  });
});
