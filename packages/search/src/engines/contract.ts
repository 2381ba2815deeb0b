import { afterEach, describe, expect, it } from 'vitest';
import type { SearchDocument } from '../types.js';
import type { SearchEngine } from './types.js';
import { visibilityCases } from './visibility-contract.js';

/**
 * Options of {@link runEngineContract}.
 *
 * @example
 * ```ts
 * runEngineContract({ name: 'memory', create: () => memoryEngine() });
 * ```
 */
export interface EngineContractOptions {
  name: string;
  /** A fresh, empty engine per test; closed by the suite after the test. */
  create: () => SearchEngine | Promise<SearchEngine>;
}

const catalogDoc = (name: string, extra: Partial<SearchDocument> = {}): SearchDocument => ({
  type: 'software-catalog',
  title: name,
  text: '',
  location: `/catalog/default/component/${name}`,
  kind: 'Component',
  owner: 'team-a',
  lifecycle: 'production',
  ...extra,
});

/** Random letters and digits, and random letters: text no compression shortens. */
const longText = (length: number) => Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
const longLetters = (length: number) => Array.from({ length }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const titles = (r: { results: Array<{ document: SearchDocument }> }) => r.results.map((x) => x.document.title);

/**
 * The behaviour every {@link SearchEngine} must have. Call it from a `*.test.ts` file; cases that
 * need an optional feature (`features.fuzzy`) are skipped, with the reason, on engines without it.
 *
 * @example
 * ```ts
 * import { runEngineContract } from './contract.js';
 * runEngineContract({ name: 'my-engine', create: () => myEngine() });
 * ```
 */
export function runEngineContract({ name, create }: EngineContractOptions): void {
  describe(`SearchEngine contract: ${name}`, () => {
    const open: SearchEngine[] = [];
    const engine = async (docs: SearchDocument[] = []) => {
      const e = await create();
      open.push(e);
      if (docs.length > 0) await e.upsert(docs);
      return e;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((e) => e.close()));
    });

    const ctx: EngineCaseContext = { name, engine };
    matchCases(ctx);
    highlightAndPageCases(ctx);
    writeCases(ctx);
    inputCases(ctx);
    visibilityCases(engine);
  });
}

/** What every group of cases shares: the engine's name, and a fresh engine (closed after the test) holding `docs`. */
interface EngineCaseContext {
  name: string;
  engine: (docs?: SearchDocument[]) => Promise<SearchEngine>;
}

/** Matching words, prefixes, misspellings and phrases, ranking and filters. */
function matchCases({ name, engine }: EngineCaseContext): void {
  it('finds a document by a word of its title, text or other fields', async () => {
    const e = await engine([
      catalogDoc('payments', { text: 'Handles card transactions', tags: ['billing'] }),
      catalogDoc('inventory', { text: 'Tracks stock levels' }),
    ]);
    expect(titles(await e.query({ term: 'payments' }))).toEqual(['payments']);
    expect(titles(await e.query({ term: 'transactions' }))).toEqual(['payments']);
    expect(titles(await e.query({ term: 'billing' }))).toEqual(['payments']);
    expect(titles(await e.query({ term: 'STOCK' }))).toEqual(['inventory']);
    const none = await e.query({ term: 'nonexistentword' });
    expect(none).toEqual({ results: [], numberOfResults: 0 });
  });

  it('ranks an exact title match above a body match', async () => {
    const e = await engine([
      catalogDoc('checkout-frontend', { title: 'checkout frontend', text: 'The web shop calls payments to charge cards; payments retries.' }),
      catalogDoc('payments', { text: 'Charges cards.' }),
      catalogDoc('ledger', { text: 'Receives events from payments.' }),
    ]);
    const result = await e.query({ term: 'payments' });
    expect(result.numberOfResults).toBe(3);
    expect(result.results[0]?.document.title).toBe('payments');
    expect(result.results.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('matches word prefixes and requires every word', async () => {
    const e = await engine([
      catalogDoc('payments-api', { title: 'Payments API', text: 'REST gateway' }),
      catalogDoc('payments-worker', { title: 'Payments worker', text: 'Queue consumer' }),
    ]);
    expect(titles(await e.query({ term: 'paym' })).sort()).toEqual(['Payments API', 'Payments worker']);
    expect(titles(await e.query({ term: 'paym gate' }))).toEqual(['Payments API']);
    expect(titles(await e.query({ term: 'payments missing' }))).toEqual([]);
  });

  it('matches misspelled words when the engine supports fuzzy matching', async (ctx) => {
    const e = await engine([catalogDoc('payments', { text: 'Handles card transactions' })]);
    if (!e.features.fuzzy) {
      ctx.skip(`${name} has no fuzzy matching (features.fuzzy is false)`);
      return;
    }
    expect(titles(await e.query({ term: 'transactoins' }))).toEqual(['payments']);
  });

  it('matches quoted phrases as consecutive words only', async () => {
    const e = await engine([
      catalogDoc('a', { text: 'Issues a card refund to the customer' }),
      catalogDoc('b', { text: 'A refund is issued; the card is kept' }),
    ]);
    expect(titles(await e.query({ term: '"card refund"' }))).toEqual(['a']);
    expect(titles(await e.query({ term: 'card refund' })).sort()).toEqual(['a', 'b']);
    expect(titles(await e.query({ term: '"refund card"' }))).toEqual([]);
  });

  it('filters by type and by fields, case-insensitively, with arrays as "any of"', async () => {
    const e = await engine([
      catalogDoc('svc-a', { text: 'shared word', owner: 'team-a', lifecycle: 'production', tags: ['java', 'grpc'] }),
      catalogDoc('svc-b', { text: 'shared word', owner: 'team-b', lifecycle: 'experimental', tags: ['go'] }),
      catalogDoc('sys-c', { text: 'shared word', kind: 'System', owner: 'team-a' }),
      { type: 'techdocs', title: 'svc-a docs', text: 'shared word', location: '/docs/default/component/svc-a/', kind: 'Component', owner: 'team-a' },
    ]);
    expect(titles(await e.query({ term: 'shared', types: ['techdocs'] }))).toEqual(['svc-a docs']);
    expect(titles(await e.query({ term: 'shared', types: ['software-catalog'], filters: { kind: 'component' } })).sort()).toEqual(['svc-a', 'svc-b']);
    expect(titles(await e.query({ term: 'shared', filters: { owner: 'team-a', kind: 'Component' } })).sort()).toEqual(['svc-a', 'svc-a docs']);
    expect(titles(await e.query({ term: 'shared', filters: { lifecycle: ['experimental', 'nope'] } }))).toEqual(['svc-b']);
    expect(titles(await e.query({ term: 'shared', filters: { tags: 'GRPC' } }))).toEqual(['svc-a']);
    expect(titles(await e.query({ term: 'shared', filters: { missingField: 'x' } }))).toEqual([]);
    expect((await e.query({ term: '', filters: { owner: 'team-a' } })).numberOfResults).toBe(3);
  });
}

/** Highlights and paging. */
function highlightAndPageCases({ engine }: EngineCaseContext): void {
  it('highlights matched words in title and text with <mark> tags', async () => {
    const long = `${'Filler words before. '.repeat(40)}The payment service charges cards. ${'Filler words after. '.repeat(40)}`;
    const e = await engine([catalogDoc('payments', { title: 'Payments service', text: long })]);
    const [hit] = (await e.query({ term: 'payment' })).results;
    expect(hit?.highlight?.preTag).toBe('<mark>');
    expect(hit?.highlight?.postTag).toBe('</mark>');
    expect(hit?.highlight?.fields.title).toBe('<mark>Payments</mark> service');
    const text = hit?.highlight?.fields.text ?? '';
    expect(text).toContain('<mark>payment</mark>');
    expect(text.length).toBeLessThan(long.length / 2);
    expect(hit?.document.text).toBe(long);
    const all = await e.query({ term: '' });
    expect(all.results[0]?.highlight).toBeUndefined();
  });

  it('HTML-escapes document text in highlights, so the tags are the only markup', async () => {
    const e = await engine([catalogDoc('x', { title: '<b>Pay</b> & co', text: `<img src=x onerror=alert(1)> "pay" 'it'` })]);
    const fields = (await e.query({ term: 'pay' })).results[0]?.highlight?.fields;
    expect(fields?.title).toBe('&lt;b&gt;<mark>Pay</mark>&lt;/b&gt; &amp; co');
    expect(fields?.text).toBe('&lt;img src=x onerror=alert(1)&gt; &quot;<mark>pay</mark>&quot; &#39;it&#39;');
  });

  it('pages with opaque cursors and reports the total', async () => {
    const docs = Array.from({ length: 23 }, (_, i) => catalogDoc(`service-${String(i).padStart(2, '0')}`, { text: 'common' }));
    const e = await engine(docs);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await e.query({ term: 'common', pageLimit: 10, ...(cursor ? { pageCursor: cursor } : {}) });
      expect(page.numberOfResults).toBe(23);
      expect(page.results.map((r) => r.rank)).toEqual(page.results.map((_, i) => pages * 10 + i + 1));
      if (pages > 0) expect(page.previousPageCursor).toBeTypeOf('string');
      else expect(page.previousPageCursor).toBeUndefined();
      seen.push(...titles(page));
      cursor = page.nextPageCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(23);
    const second = await e.query({ term: 'common', pageLimit: 10, pageCursor: (await e.query({ term: 'common', pageLimit: 10 })).nextPageCursor! });
    const back = await e.query({ term: 'common', pageLimit: 10, pageCursor: second.previousPageCursor! });
    expect(titles(back)).toEqual(seen.slice(0, 10));
    await expect(e.query({ term: 'common', pageCursor: 'not-a-cursor' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(e.query({ term: 'common', pageLimit: 0 })).rejects.toMatchObject({ name: 'InputError' });
    await expect(e.query({ term: 'common', pageLimit: 101 })).rejects.toMatchObject({ name: 'InputError' });
  });
}

/** index(), upsert() and remove(), and refused documents. */
function writeCases({ engine }: EngineCaseContext): void {
  it('replaces all documents of one type on index(), leaving other types alone', async () => {
    const e = await engine([
      catalogDoc('old-one', { text: 'alpha' }),
      { type: 'techdocs', title: 'guide', text: 'alpha', location: '/docs/default/component/x/' },
    ]);
    await e.index('software-catalog', [catalogDoc('new-one', { text: 'alpha' })]);
    expect(titles(await e.query({ term: 'alpha' })).sort()).toEqual(['guide', 'new-one']);
    await e.index('software-catalog', []);
    expect(titles(await e.query({ term: 'alpha' }))).toEqual(['guide']);
    await expect(e.index('techdocs', [catalogDoc('wrong-type')])).rejects.toMatchObject({ name: 'InputError' });
    expect(titles(await e.query({ term: 'alpha' }))).toEqual(['guide']);
  });

  it('upserts by (type, location) and removes by location or by filters', async () => {
    const e = await engine([
      catalogDoc('a', { text: 'before', entityRef: 'component:default/a' }),
      catalogDoc('b', { text: 'before', entityRef: 'component:default/b' }),
      { type: 'techdocs', title: 'a docs', text: 'before', location: '/catalog/default/component/a', entityRef: 'component:default/a' },
    ]);
    await e.upsert([catalogDoc('a', { text: 'after', entityRef: 'component:default/a' })]);
    expect(titles(await e.query({ term: 'before' })).sort()).toEqual(['a docs', 'b']);
    expect(titles(await e.query({ term: 'after' }))).toEqual(['a']);
    await e.remove('software-catalog', ['/catalog/default/component/a', '/catalog/default/component/missing']);
    expect(titles(await e.query({ term: 'after' }))).toEqual([]);
    await e.remove('software-catalog', { filters: { entityRef: 'component:default/b' } });
    expect(titles(await e.query({ term: 'before' }))).toEqual(['a docs']);
    await e.remove('no-such-type', ['/x']);
  });

  it('rejects invalid documents without changing anything', async () => {
    const e = await engine([catalogDoc('kept', { text: 'stay' })]);
    const bad = [catalogDoc('fine', { text: 'stay' }), { type: 'software-catalog', title: 'no location', text: 'stay' }];
    await expect(e.upsert(bad as SearchDocument[])).rejects.toMatchObject({ name: 'InputError' });
    expect(titles(await e.query({ term: 'stay' }))).toEqual(['kept']);
  });
}

/** Hostile input: query syntax, very long locations and words, NUL and lone surrogates. */
function inputCases({ name, engine }: EngineCaseContext): void {
  it('treats query syntax characters as plain text', async () => {
    const e = await engine([catalogDoc('payments', { text: "O'Brien wrote it" })]);
    for (const term of ["o'brien", 'payments:*', 'payments & | ! ( ) <-> \\', '"', '"""', '***', '\u0000']) {
      await expect(e.query({ term })).resolves.toBeDefined();
    }
    expect(titles(await e.query({ term: "o'brien" }))).toEqual(['payments']);
    expect(titles(await e.query({ term: '(payments)' }))).toEqual(['payments']);
  });

  it('indexes, finds, replaces and removes a document with a 10,000-character location among its neighbours', async () => {
    // A TechDocs section's location ends in its heading's anchor: a docs author decides its length.
    const location = `/docs/default/component/a/page/#${longText(10_000)}`;
    const e = await engine();
    await e.index('techdocs', [
      { type: 'techdocs', title: 'long', text: 'needle', location },
      { type: 'techdocs', title: 'short', text: 'needle', location: '/docs/default/component/a/page/#short' },
    ]);
    const found = await e.query({ term: 'needle' });
    expect(found.results.map((r) => r.document.title).sort()).toEqual(['long', 'short']);
    expect(found.results.find((r) => r.document.title === 'long')?.document.location).toBe(location);
    await e.upsert([{ type: 'techdocs', title: 'long', text: 'needle again', location }]);
    expect((await e.query({ term: 'needle' })).numberOfResults).toBe(2);
    expect(titles(await e.query({ term: 'again' }))).toEqual(['long']);
    await e.remove('techdocs', [location]);
    expect(titles(await e.query({ term: 'needle' }))).toEqual(['short']);
  });

  it('indexes a document with a 10,000-letter word; longer words than MAX_FUZZY_WORD_LENGTH are never matched fuzzily', async (ctx) => {
    const word = longLetters(10_000);
    const e = await engine([catalogDoc('long', { text: `needle ${word}` }), catalogDoc('payments', { text: 'transactions' })]);
    expect(titles(await e.query({ term: 'needle' }))).toEqual(['long']);
    if (!e.features.fuzzy) {
      ctx.skip(`${name} has no fuzzy matching (features.fuzzy is false)`);
      return;
    }
    // Ordinary words still match misspelled; the long word is not a fuzzy candidate.
    expect(titles(await e.query({ term: 'transactoins' }))).toEqual(['payments']);
    // One letter changed (never to itself: the same letter would make an exact prefix of the word).
    const misspelled = `${word.slice(0, 70)}${word[70] === 'x' ? 'y' : 'x'}${word.slice(71, 140)}`;
    expect(titles(await e.query({ term: misspelled }))).toEqual([]);
  });

  it('refuses NUL and lone surrogates in types and filters with an InputError naming the field', async () => {
    const e = await engine([catalogDoc('payments', { text: 'stay' })]);
    for (const bad of ['a\u0000b', 'a\ud800b', '\udc00']) {
      await expect(e.query({ term: 'stay', types: [bad] })).rejects.toMatchObject({ name: 'InputError', message: /types\.0: must/ });
      await expect(e.query({ term: 'stay', filters: { kind: bad } })).rejects.toMatchObject({ name: 'InputError', message: /filters\.kind: must/ });
      await expect(e.query({ term: 'stay', filters: { [bad]: 'x' } })).rejects.toMatchObject({ name: 'InputError' });
    }
    expect(titles(await e.query({ term: 'stay' }))).toEqual(['payments']);
  });
}
