import { keepWholeLevels, sortEdges } from '../graph-levels.js';
import { assertGraphQuery } from '../graph-query-text.js';
import type { StoreGraphQuery, StoreGraphResult } from '../graph-types.js';
import { createParams, filterSql } from './entity-query.js';
import type { SqlRead } from './read.js';

/**
 * The SQL store's relation-graph walk: one recursive CTE over the `search` table's
 * `relations.<type>` rows — outgoing through the (entity_ref, key, value) index, incoming through
 * (key, value, entity_ref) — with the filters applied as the entity-query semi-joins, then one
 * indexed read of the edges between the nodes kept.
 *
 * The CTE unions (ref, depth) pairs, so a cycle ends at `maxDepth`, and rows come out a level at
 * a time. PostgreSQL evaluates a recursive CTE only as far as its reader fetches, so the LIMIT
 * bounds the work of a huge fan-out: with at most `maxDepth + 1` rows per ref, `(maxNodes + 1)
 * * (maxDepth + 1)` rows hold more than `maxNodes` refs unless the walk ended first. Levels before
 * the last row's are then complete, and `keepWholeLevels` keeps whole levels only, as the memory
 * store does.
 */
export async function queryGraphSql(s: string, read: SqlRead, query: StoreGraphQuery): Promise<StoreGraphResult> {
  assertGraphQuery(query);
  const roots = [...new Set(query.rootRefs)];
  if (roots.length === 0) return { nodes: [], edges: [], truncated: false };
  const keys = [...new Set(query.relationTypes.map((t) => `relations.${t}`))];
  const params = createParams();
  const keysParam = `${params.add(keys)}::text[]`;
  const rootWhere = query.rootFilter ? ` AND ${filterSql(query.rootFilter, s, params)}` : '';
  const stepWhere = query.filter ? ` AND ${filterSql(query.filter, s, params)}` : '';
  const steps: string[] = [];
  if (query.direction !== 'incoming') steps.push(`SELECT r.value AS next FROM ${s}.search r WHERE r.entity_ref = w.ref AND r.key = ANY(${keysParam})`);
  if (query.direction !== 'outgoing') steps.push(`SELECT r.entity_ref AS next FROM ${s}.search r WHERE r.key = ANY(${keysParam}) AND r.value = w.ref`);
  const rowCap = (query.maxNodes + 1) * (query.maxDepth + 1);
  const text = `WITH RECURSIVE walk(ref, depth) AS (
      SELECT fe.entity_ref, 0 FROM ${s}.final_entities fe WHERE fe.entity_ref = ANY(${params.add(roots)}::text[])${rootWhere}
      UNION
      SELECT fe.entity_ref, w.depth + 1
      FROM walk w
      CROSS JOIN LATERAL (${steps.join(' UNION ALL ')}) n
      JOIN ${s}.final_entities fe ON fe.entity_ref = n.next
      WHERE w.depth < ${params.add(query.maxDepth)}${stepWhere}
    )
    SELECT ref, depth FROM walk LIMIT ${params.add(rowCap)}`;
  const rows = await read<{ ref: string; depth: number }>(text, params.values);
  const depths = new Map<string, number>();
  for (const { ref, depth } of rows) {
    const known = depths.get(ref);
    if (known === undefined || depth < known) depths.set(ref, depth);
  }
  const cut = rows.length >= rowCap;
  // A loop, not Math.max(...rows): a spread of ~100k rows can pass the engine's argument limit.
  const completeDepth = cut ? Math.max(0, rows.reduce((deepest, r) => Math.max(deepest, r.depth), 0) - 1) : query.maxDepth;
  const { nodes, truncated } = keepWholeLevels(depths, completeDepth, query.maxNodes);
  return { nodes, edges: await edgesBetween(s, read, nodes.map((n) => n.entityRef), keys), truncated: truncated || cut };
}

async function edgesBetween(s: string, read: SqlRead, refs: string[], keys: string[]): Promise<StoreGraphResult['edges']> {
  if (refs.length === 0) return [];
  const rows = await read<{ source: string; key: string; target: string }>(
    `SELECT entity_ref AS source, key, value AS target FROM ${s}.search
     WHERE entity_ref = ANY($1::text[]) AND key = ANY($2::text[]) AND value = ANY($1::text[])`,
    [refs, keys],
  );
  return sortEdges(rows.map((r) => ({ sourceRef: r.source, type: r.key.slice('relations.'.length), targetRef: r.target })));
}
