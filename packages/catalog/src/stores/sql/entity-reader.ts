import { assertFacetsQuery, assertLookupKeys, assertStoreQuery } from '../../query/query-text.js';
import type { CatalogStore, FinalEntityRow, StoreEntityPage } from '../types.js';
import { afterSql, createParams, matchSql, orderBySql, sortJoinSql } from './entity-query.js';
import { eitherKindForm } from './kind-by-ref.js';
import { drivingLeaf } from './leaf-count.js';
import { readOrderedPage } from './ordered-page.js';
import type { SqlRead } from './read.js';

interface EntityRow {
  entity_ref: string;
  uid: string;
  etag: string;
  entity: FinalEntityRow['entity'];
}

const toFinal = (row: EntityRow): FinalEntityRow => ({ entityRef: row.entity_ref, uid: row.uid, etag: row.etag, entity: row.entity });

/** The entity reads of the SQL store. */
export type SqlEntityReader = Pick<CatalogStore, 'getEntities' | 'queryEntities' | 'entityFacets'>;

/**
 * Entity reads over `final_entities` + `search` in schema `s` (quoted): by refs or uids, queries
 * (filters, ordering, keyset pages, totals, full text) and facets, all run as SQL.
 */
export function createSqlEntityReader(s: string, read: SqlRead): SqlEntityReader {
  async function getEntities({ refs, uids }: Parameters<CatalogStore['getEntities']>[0]): Promise<FinalEntityRow[]> {
    assertLookupKeys({ refs, uids });
    if (!refs?.length && !uids?.length) return [];
    const rows = await read<EntityRow>(
      `SELECT entity_ref, uid, etag, entity FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])`,
      [[...(refs ?? [])], [...(uids ?? [])]],
    );
    return rows.map(toFinal);
  }

  /** How many entities match the query's filter and full text, whatever its page. */
  async function countMatches(query: Parameters<CatalogStore['queryEntities']>[0]): Promise<number> {
    const params = createParams();
    // Counted from one required leaf's rows where the filter has one (see leaf-count.ts).
    const leaf = drivingLeaf(query.filter);
    const match = leaf ? { ...(leaf.rest ? { filter: leaf.rest } : {}), ...(query.fullText ? { fullText: query.fullText } : {}) } : query;
    const counts = eitherKindForm(s, match.filter, (byRef, gate) => {
      const where = leaf ? [`fe.key = ${params.add(leaf.key)}`, `fe.value = ${params.add(leaf.value)}`] : [];
      where.push(...matchSql(match, s, params, byRef), ...(gate ? [gate] : []));
      return `SELECT count(*) AS n FROM ${s}.${leaf ? 'search' : 'final_entities'} fe${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    });
    const rows = await read<{ n: string | number }>(`SELECT sum(c.n) AS n FROM (${counts}) c`, params.values);
    return Number(rows[0]?.n ?? 0);
  }

  async function queryEntities(query: Parameters<CatalogStore['queryEntities']>[0]): Promise<StoreEntityPage> {
    // PostgreSQL rejects NUL and lone surrogates mid-statement; refuse them as every store does.
    assertStoreQuery(query);
    const order = (query.order ?? []).map((o) => ({ ...o, field: o.field.toLocaleLowerCase('en-US') }));
    const uidOrder = query.uidOrder ?? 'asc';
    if (order.length === 1 && query.limit !== undefined) {
      // A page by one field: walk its index and stop after the page (see readOrderedPage).
      const [rows, totalItems] = await Promise.all([
        readOrderedPage(s, read, { ...query, limit: query.limit }, order[0]!, uidOrder),
        query.includeTotal ? countMatches(query) : undefined,
      ]);
      return {
        items: rows.map(toFinal),
        sortKeys: rows.map((r) => [r.s0]),
        ...(totalItems !== undefined ? { totalItems } : {}),
      };
    }
    const params = createParams();
    const aliases = order.map((_, i) => `s${i}`);
    const joins = order.map((o, i) => ` ${sortJoinSql(o.field, `j${i}`, s, params)}`).join('');
    const sortCols = aliases.map((a, i) => `, j${i}.v AS ${a}`).join('');
    const where = matchSql(query, s, params);
    const inner = `SELECT fe.entity_ref, fe.uid${sortCols} FROM ${s}.final_entities fe${joins}${
      where.length ? ` WHERE ${where.join(' AND ')}` : ''
    }`;
    const outerWhere = query.after
      ? ` WHERE ${afterSql(order, aliases.map((a) => `fe.${a}`), uidOrder, query.after, params)}`
      : '';
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const limit = query.limit === undefined ? undefined : Math.max(0, Math.floor(query.limit));
    const paging = `${limit !== undefined ? ` LIMIT ${params.add(limit)}` : ''}${offset ? ` OFFSET ${params.add(offset)}` : ''}`;
    // Sort only refs and keys, then fetch the few entities of the page.
    const text = `WITH page AS (
      SELECT * FROM (${inner}) fe${outerWhere}
      ORDER BY ${orderBySql(order, aliases.map((a) => `fe.${a}`), 'fe.uid', uidOrder)}${paging}
    )
    SELECT p.*, e.etag, e.entity FROM page p JOIN ${s}.final_entities e ON e.entity_ref = p.entity_ref
    ORDER BY ${orderBySql(order, aliases.map((a) => `p.${a}`), 'p.uid', uidOrder)}`;

    // Page and total run concurrently (on PostgreSQL, on two connections). Promise.all owns both
    // promises from the start: awaiting one and then the other would leave the second's
    // rejection unheard while the first is awaited, and Node ends the process on it.
    const [rows, totalItems] = await Promise.all([
      read<EntityRow & Record<string, string | null>>(text, params.values),
      query.includeTotal ? countMatches(query) : undefined,
    ]);
    return {
      items: rows.map(toFinal),
      sortKeys: rows.map((r) => aliases.map((a) => r[a] ?? null)),
      ...(totalItems !== undefined ? { totalItems } : {}),
    };
  }

  async function entityFacets({ facets, filter }: Parameters<CatalogStore['entityFacets']>[0]) {
    assertFacetsQuery({ facets, ...(filter ? { filter } : {}) });
    const out: Record<string, { value: string; count: number }[]> = {};
    for (const facet of facets) out[facet] = [];
    if (facets.length === 0) return out;
    const keys = [...new Set(facets.map((f) => f.toLocaleLowerCase('en-US')))];
    // One statement per key, run concurrently (on PostgreSQL, on as many connections): each
    // reads its key's rows only. Rows are unique per (entity, key, value) (migration 5), so a
    // count of rows is a count of entities. A kind filter reads the facet rows' own refs (see
    // kind-by-ref.ts): one index range, no join. The written case shown is that of the value's
    // row with the smallest entity ref, one index probe per value.
    const perKey = await Promise.all(
      keys.map((key) => {
        const params = createParams();
        const keyParam = params.add(key);
        const counts = eitherKindForm(s, filter, (byRef, gate) => {
          const where = [`fe.key = ${keyParam}`, 'fe.value IS NOT NULL', ...(filter ? matchSql({ filter }, s, params, byRef) : [])];
          if (gate) where.push(gate);
          return `SELECT fe.value, count(*) AS n FROM ${s}.search fe WHERE ${where.join(' AND ')} GROUP BY fe.value`;
        });
        return read<{ value: string; original: string | null; n: string | number }>(
          `SELECT c.value, c.n,
             (SELECT o.original FROM ${s}.search o WHERE o.key = ${keyParam} AND o.value = c.value ORDER BY o.entity_ref LIMIT 1) AS original
           FROM (${counts}) c`,
          params.values,
        );
      }),
    );
    const rows = perKey.flatMap((list, i) => list.map((row) => ({ ...row, key: keys[i]! })));
    const byKey = new Map<string, { value: string; count: number }[]>();
    for (const row of rows) {
      let list = byKey.get(row.key);
      if (!list) byKey.set(row.key, (list = []));
      list.push({ value: row.original ?? row.value, count: Number(row.n) });
    }
    for (const list of byKey.values()) {
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    }
    for (const facet of facets) out[facet] = (byKey.get(facet.toLocaleLowerCase('en-US')) ?? []).map((c) => ({ ...c }));
    return out;
  }

  return { getEntities, queryEntities, entityFacets };
}
