import { expect, it } from 'vitest';
import type { SearchDocument } from '../types.js';
import type { SearchEngine } from './types.js';
import type { SearchVisibility } from '../visibility.js';

/** A fresh engine (closed by the suite) holding `docs`. */
type Engine = (docs?: SearchDocument[]) => Promise<SearchEngine>;

const entityDoc = (name: string, facts?: Record<string, Array<string | null>>): SearchDocument => ({
  type: 'software-catalog',
  title: `${name} service`,
  text: 'ledger',
  location: `/catalog/default/component/${name}`,
  entityRef: `component:default/${name}`,
  authorization: { resourceRef: `component:default/${name}`, ...(facts ? { facts } : {}) },
});
const docsOf = (name: string, page: string): SearchDocument => ({
  type: 'techdocs',
  title: `${name} ${page}`,
  text: 'ledger',
  location: `/docs/default/component/${name}/${page}/`,
  entityRef: `component:default/${name}`,
  authorization: { resourceRef: `component:default/${name}` },
});
const faq: SearchDocument = { type: 'faq', title: 'faq', text: 'ledger', location: '/faq' };

/** Every page of a query, one result at a time: the locations and each page's total. */
async function walk(e: SearchEngine, visibility: SearchVisibility, term = 'ledger'): Promise<{ locations: string[]; totals: number[] }> {
  const locations: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await e.query({ term, pageLimit: 1, ...(cursor ? { pageCursor: cursor } : {}) }, { visibility });
    locations.push(...page.results.map((r) => r.document.location));
    totals.push(page.numberOfResults);
    for (const r of page.results) expect(r.document.authorization?.facts).toBeUndefined();
    cursor = page.nextPageCursor;
  } while (cursor);
  return { locations: locations.sort(), totals: [...new Set(totals)] };
}

/**
 * Visibility (`query(q, { visibility })`): documents of a restricted type are returned only when
 * their resource's stored facts match the type's filter, before ranking, counting and paging.
 */
export function visibilityCases(engine: Engine): void {
  const notRestricted: SearchVisibility = {
    'software-catalog': { not: { key: 'metadata.labels.restricted' } },
    techdocs: { not: { key: 'metadata.labels.restricted' } },
  };

  it('returns, counts and pages only the documents whose resource matches, and never their facts', async () => {
    expect((await engine()).features.visibility, 'features.visibility').toBe(true);
    const e = await engine([
      entityDoc('open', { kind: ['component'] }),
      entityDoc('secret', { kind: ['component'], 'metadata.labels.restricted': ['yes'] }),
      docsOf('open', 'intro'),
      docsOf('secret', 'intro'),
      // Docs of an entity with no facts anywhere: nothing to judge, so hidden even by a `not`.
      docsOf('ghost', 'intro'),
      faq,
    ]);
    expect(await walk(e, notRestricted)).toEqual({
      locations: ['/catalog/default/component/open', '/docs/default/component/open/intro/', '/faq'],
      totals: [3],
    });
    // Without visibility, the trusted caller sees everything.
    expect((await walk(e, {})).totals).toEqual([6]);
    // anyOf [] is false: the type shows nothing; allOf [] is true: everything with facts.
    expect((await walk(e, { techdocs: { anyOf: [] } })).totals).toEqual([3]);
    expect((await walk(e, { techdocs: { allOf: [] } })).totals).toEqual([5]);
    expect((await walk(e, { techdocs: { key: 'kind', values: ['component'] }, 'software-catalog': { key: 'kind', values: ['api'] } })).locations).toEqual([
      '/docs/default/component/open/intro/',
      '/docs/default/component/secret/intro/',
      '/faq',
    ]);
  });

  it('judges every document of a resource by the facts it was last given', async () => {
    const e = await engine([entityDoc('svc', { kind: ['component'] }), docsOf('svc', 'intro')]);
    expect((await walk(e, notRestricted)).totals).toEqual([2]);
    // The entity is restricted later: its catalog document brings the new facts, and its docs follow.
    await e.upsert([entityDoc('svc', { kind: ['component'], 'metadata.labels.restricted': ['yes'] })]);
    expect(await walk(e, notRestricted)).toEqual({ locations: [], totals: [0] });
    await e.index('software-catalog', [entityDoc('svc', { kind: ['component'] })]);
    expect((await walk(e, notRestricted)).totals).toEqual([2]);
  });

  it('forgets the facts of a resource no document refers to any more', async () => {
    const e = await engine([entityDoc('svc', { kind: ['component'] })]);
    await e.remove('software-catalog', { filters: { entityRef: 'component:default/svc' } });
    // Docs arriving later for the same ref, without facts, are not judged by the old ones.
    await e.upsert([docsOf('svc', 'intro')]);
    expect((await walk(e, notRestricted)).totals).toEqual([0]);
    expect((await walk(e, {})).totals).toEqual([1]);
  });

  it('leaves hidden documents out before matching, so they do not decide fuzzy matching', async (ctx) => {
    const e = await engine([
      { ...entityDoc('visible', { kind: ['component'] }), text: 'transactions' },
      { ...entityDoc('hidden', { kind: ['component'], 'metadata.labels.restricted': ['yes'] }), text: 'transactoins' },
    ]);
    if (!e.features.fuzzy) ctx.skip('this engine has no fuzzy matching (features.fuzzy is false)');
    expect((await walk(e, notRestricted, 'transactoins')).locations).toEqual(['/catalog/default/component/visible']);
  });

  it("never continues one principal's cursor from another's ranking, even when their filters differ only by a field set to undefined", async () => {
    const e = await engine([entityDoc('open', { kind: ['component'] }), entityDoc('other', { kind: ['component'] }), faq]);
    // A permission rule may build its filter with an optional parameter left undefined: it is
    // still a prefix filter (an undefined prefix matches nothing), not a key-exists filter.
    const withKind: SearchVisibility = { 'software-catalog': { key: 'kind' } };
    const undefinedPrefix: SearchVisibility = { 'software-catalog': { key: 'kind', prefix: undefined } };
    const own = await walk(e, undefinedPrefix);
    const first = await e.query({ term: 'ledger', pageLimit: 1 }, { visibility: withKind });
    expect(first.numberOfResults).toBe(3);
    const followed = await e.query({ term: 'ledger', pageLimit: 1, pageCursor: first.nextPageCursor! }, { visibility: undefinedPrefix });
    expect(followed.numberOfResults).toBe(own.totals[0]);
    for (const r of followed.results) expect(own.locations).toContain(r.document.location);
  });
}
