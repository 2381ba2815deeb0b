/*
 * What the relation-graph query (issue #23) costs against what a caller did without it: walking
 * level by level with `getEntities` by refs and reading each entity's relations (the portal's
 * entity page and Backstage's catalog-graph plugin do this from the browser, one HTTP round trip
 * per level; here in process, the cheapest form of it). Same store, same roots, same answer
 * (checked), alternating rounds, medians and the ratio graph / baseline.
 *
 *   npx tsx bench/catalog-graph.bench.ts [--quick]   (20k entities; --quick: 5k)
 *
 * Catalog: components each depending on 3 random others and part of one of N/100 systems
 * (so `hasPart` fans out ~100 wide). Walk: from 10 components, dependsOn + partOf + hasPart,
 * depth 2, maxNodes 10,000. PostgreSQL: PORTALKIT_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/test), a throwaway schema; skipped when absent.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { memoryStore, postgresStore, stitchEntity, type CatalogStore, type FinalEntityRow } from '../packages/catalog/src/index.js';

const quick = process.argv.includes('--quick');
const N = quick ? 5000 : 20_000;
const ROUNDS = quick ? 10 : 20;
const types = ['dependson', 'partof', 'haspart'];

function rows(): FinalEntityRow[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const systems = Math.max(1, Math.floor(N / 100));
  const parts = new Map<number, string[]>();
  const out: FinalEntityRow[] = [];
  for (let i = 0; i < N; i++) {
    const sys = Math.floor(rnd() * systems);
    parts.set(sys, [...(parts.get(sys) ?? []), `component:default/c${i}`]);
    const relations = [{ type: 'partOf', targetRef: `system:default/s${sys}` }];
    for (let k = 0; k < 3; k++) relations.push({ type: 'dependsOn', targetRef: `component:default/c${Math.floor(rnd() * N)}` });
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: `c${i}`, namespace: 'default' }, spec: { type: 'service' } };
    out.push(stitchEntity({ entityRef: `component:default/c${i}`, processed: entity, errors: [], orphan: false }, relations));
  }
  for (let s = 0; s < systems; s++) {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: `s${s}`, namespace: 'default' }, spec: {} };
    const relations = (parts.get(s) ?? []).map((targetRef) => ({ type: 'hasPart', targetRef }));
    out.push(stitchEntity({ entityRef: `system:default/s${s}`, processed: entity, errors: [], orphan: false }, relations));
  }
  return out;
}

/** The baseline: level by level, entities by refs, relations read in JS. */
async function walkByLevels(store: CatalogStore, roots: string[], depth: number): Promise<number> {
  const seen = new Set<string>();
  let frontier = roots;
  for (const r of roots) seen.add(r);
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const row of await store.getEntities({ refs: frontier })) {
      for (const rel of row.entity.relations ?? []) {
        if (types.includes(rel.type.toLowerCase()) && !seen.has(rel.targetRef)) {
          seen.add(rel.targetRef);
          next.push(rel.targetRef);
        }
      }
    }
    frontier = next;
  }
  // The graph query also reads the nodes it returns: the baseline reads the last level too.
  await store.getEntities({ refs: frontier });
  return seen.size;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: string, store: CatalogStore) {
  await store.transaction(async (tx) => tx.putEntities(rows()));
  const roots = Array.from({ length: 10 }, (_, i) => `component:default/c${i * 37}`);
  const query = { rootRefs: roots, relationTypes: types, direction: 'outgoing' as const, maxDepth: 2, maxNodes: 10_000 };
  const graphNodes = (await store.queryGraph(query)).nodes.length;
  const baselineNodes = await walkByLevels(store, roots, 2);
  if (graphNodes !== baselineNodes) throw new Error(`${name}: graph ${graphNodes} nodes, baseline ${baselineNodes}`);
  const g: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['g', 'b'] : ['b', 'g'];
    for (const which of order) {
      const t = performance.now();
      if (which === 'g') await store.queryGraph(query);
      else await walkByLevels(store, roots, 2);
      (which === 'g' ? g : b).push(performance.now() - t);
    }
  }
  console.log(
    `${name}: ${N} components, ${graphNodes} nodes reached; graph query median ${median(g).toFixed(1)} ms (with edges), ` +
      `level-by-level baseline ${median(b).toFixed(1)} ms (nodes only); ratio ${(median(g) / median(b)).toFixed(2)}`,
  );
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await measure('memory', memoryStore());
const url = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pool = new pg.Pool({ connectionString: url, max: 4 });
try {
  await pool.query('SELECT 1');
  const schema = `bench_graph_${process.pid}`;
  const store = postgresStore({ pool, schema });
  try {
    await measure('postgres', store);
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
} catch (error) {
  console.log(`postgres skipped: ${(error as Error).message}`);
} finally {
  await pool.end();
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
