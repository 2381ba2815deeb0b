import { describe, expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog-model';
import { component, names, row, type StoreCaseContext } from './contract-fixtures.js';
import type { CatalogStore, StoreOrder } from './types.js';

type Query = Parameters<CatalogStore['queryEntities']>[0];

/**
 * The edges of full text, ordered pages and facets that the SQL stores answer from indexes
 * (a trigram index, a walk of one field's index): every store must give the same answers as
 * the memory store's plain scan.
 */
export function queryEdgeCases(ctx: StoreCaseContext): void {
  describe('query edges', () => {
    const run = async (q: Query) => names((await ctx.store.queryEntities(q)).items);
    const byName = { order: [{ field: 'metadata.name', order: 'asc' as const }] };

    it('matches full-text terms with LIKE wildcards, backslashes, quotes and non-ASCII letters literally', async () => {
      const titles: Record<string, string> = {
        pct: '100% done',
        pcx: '100 percent',
        snake: 'snake_case',
        snakx: 'snakeXcase',
        bs: 'back\\slash',
        nobs: 'backslash',
        quote: `it's "quoted"`,
        uni: 'Ünïcödé Straße',
        ang: 'ÅNGSTRÖM',
        emoji: 'rocket 🚀 launch',
      };
      await ctx.seed(Object.entries(titles).map(([name, title]) => row(component(name, { title }))));
      const text = (term: string, fields = ['metadata.title']) => run({ fullText: { term, fields }, ...byName });
      expect(await text('%')).toEqual(['pct']);
      expect(await text('0% d')).toEqual(['pct']);
      expect(await text('_')).toEqual(['snake']);
      expect(await text('e_c')).toEqual(['snake']);
      expect(await text('\\')).toEqual(['bs']);
      expect(await text('k\\s')).toEqual(['bs']);
      expect(await text("it's")).toEqual(['quote']);
      expect(await text('"QUOTED"')).toEqual(['quote']);
      expect(await text("'")).toEqual(['quote']);
      expect(await text('ÜNÏCÖ')).toEqual(['uni']);
      expect(await text('straße')).toEqual(['uni']);
      expect(await text('ångström')).toEqual(['ang']);
      expect(await text('🚀')).toEqual(['emoji']);
      expect(await text('%%')).toEqual([]);
      // Surrounding spaces are trimmed; an empty term is no filter at all.
      expect(await text('  SNAKE_ ')).toEqual(['snake']);
      expect((await text('')).length).toBe(10);
      // Fields are case-insensitive and may repeat; the name is a field like any other.
      expect(await text('ÅNG', ['METADATA.TITLE', 'metadata.title'])).toEqual(['ang']);
      expect(await text('snak', ['metadata.name'])).toEqual(['snake', 'snakx']);
      expect(await text('snak', ['metadata.name', 'spec.type'])).toEqual(['snake', 'snakx']);
      expect(await text('servic', ['spec.type'])).toHaveLength(10);
      const counted = await ctx.store.queryEntities({ fullText: { term: 'back', fields: ['metadata.title'] }, includeTotal: true, limit: 1 });
      expect(counted.totalItems).toBe(2);
    });

    it('pages by one field through ties, several values and missing values, each entity once, in both directions', async () => {
      // Ties on the title (order falls back to uid), an entity with several tag values (sorted by
      // its smallest), one repeating a value, and entities without the field.
      const seeded: Entity[] = [];
      for (let i = 0; i < 9; i++) seeded.push(component(`t${i}`, { title: i % 3 === 0 ? undefined : `Same ${i % 2}`, tags: i === 4 ? ['zz', 'a0', 'a0'] : [`m${i % 4}`] }));
      await ctx.seed(seeded.map((e) => row(e)));
      for (const field of ['metadata.title', 'metadata.tags']) {
        for (const [dir, nulls, uidOrder] of [
          ['asc', 'last', 'asc'],
          ['desc', 'last', 'desc'],
          ['asc', 'first', 'asc'],
          ['desc', 'first', 'asc'],
        ] as const) {
          const order: StoreOrder[] = [{ field, order: dir, nulls }];
          // The general path (two fields, the second never deciding) gives the expected order.
          const all = await ctx.store.queryEntities({ order: [...order, { field: 'kind', order: 'asc' }], uidOrder });
          const seen: string[] = [];
          const keys: (string | null)[][] = [];
          let after: Query['after'];
          for (let pageNo = 0; pageNo < 20; pageNo++) {
            const page = await ctx.store.queryEntities({ order, uidOrder, limit: 2, ...(after ? { after } : {}) });
            seen.push(...names(page.items));
            keys.push(...page.sortKeys);
            if (page.items.length < 2) break;
            after = { values: page.sortKeys[1]!, uid: page.items[1]!.uid };
          }
          expect(seen, `${field} ${dir} nulls ${nulls} uid ${uidOrder}`).toEqual(names(all.items));
          expect(keys).toEqual(all.sortKeys.map((k) => [k[0]!]));
          // An offset skips into the same order.
          const skipped = await ctx.store.queryEntities({ order, uidOrder, offset: 3, limit: 4 });
          expect(names(skipped.items)).toEqual(names(all.items).slice(3, 7));
        }
      }
      // The entity with several tags sorts by its smallest one, once.
      const tags = await ctx.store.queryEntities({ order: [{ field: 'metadata.tags', order: 'asc' }], limit: 3 });
      expect(names(tags.items)[0]).toBe('t4');
      expect(tags.sortKeys[0]).toEqual(['a0']);
      const filtered = await ctx.store.queryEntities({
        filter: { key: 'metadata.title', values: ['same 1'] },
        order: [{ field: 'metadata.title', order: 'asc' }],
        limit: 10,
        includeTotal: true,
      });
      // Ties fall back to uids, which are random: compare the set.
      expect([names(filtered.items).sort(), filtered.totalItems]).toEqual([['t1', 't5', 't7'], 3]);
    });

    it('counts facets only where the field has a value, each entity once per value', async () => {
      await ctx.seed([
        row(component('a', { tags: ['java', 'java', 'Go'], spec: { lifecycle: 'production' } })),
        row(component('b', { tags: ['go'], spec: { lifecycle: undefined } })),
        row({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'c', labels: {} }, spec: { type: 'service' } }),
      ]);
      const facets = await ctx.store.entityFacets({ facets: ['metadata.tags', 'spec.lifecycle', 'metadata.labels', 'spec.none'] });
      expect(facets).toEqual({
        // 'Go' and 'go' are one value; the first written case in byte order is shown.
        'metadata.tags': [
          { value: 'Go', count: 2 },
          { value: 'java', count: 1 },
        ],
        'spec.lifecycle': [{ value: 'production', count: 1 }],
        'metadata.labels': [],
        'spec.none': [],
      });
      expect(await ctx.store.entityFacets({ facets: ['spec.lifecycle'], filter: { key: 'metadata.name', values: ['c'] } })).toEqual({ 'spec.lifecycle': [] });
    });

    it('matches kind filters by the kind, also for kinds a catalog author wrote to look like a ref prefix', async () => {
      // The SQL stores answer kind filters from the ref's `kind:` prefix; a kind holding `:`
      // makes a ref that starts like another kind's, and an over-long kind has no stored value.
      const odd = (kind: string, name: string): Entity => ({ ...component(name), kind });
      const seedOdd = (kinds: [string, string][]) =>
        ctx.seed([row(component('real')), row(component('other', { namespace: 'x:y' })), ...kinds.map(([kind, name]) => row(odd(kind, name)))]);
      const check = async () => {
        const kind = { key: 'kind', values: ['component'] };
        expect((await run({ filter: kind, ...byName })).sort()).toEqual(['other', 'real']);
        expect((await run({ filter: kind, ...byName, limit: 1 })).length).toBe(1);
        expect((await ctx.store.queryEntities({ filter: kind, limit: 1, includeTotal: true })).totalItems).toBe(2);
        expect((await run({ filter: { not: kind }, ...byName })).sort()).toEqual(['fake', 'long']);
        expect((await ctx.store.queryEntities({ filter: { not: kind }, limit: 1, includeTotal: true })).totalItems).toBe(2);
        const facets = await ctx.store.entityFacets({ facets: ['metadata.name'], filter: kind });
        expect(facets['metadata.name']!.map((f) => f.value).sort()).toEqual(['other', 'real']);
        // Ordered by a field the odd entities lack: the walk over entities without a value.
        expect((await run({ filter: kind, order: [{ field: 'spec.none', order: 'asc' }], limit: 5 })).sort()).toEqual(['other', 'real']);
      };
      await seedOdd([
        ['Component:x', 'fake'],
        [`C${'o'.repeat(250)}`, 'long'],
      ]);
      await check();
    });
  });
}
