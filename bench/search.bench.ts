/*
 * @portalkit/search: index 100k catalog entities + 5k docs sections, then measure query latency
 * (p50/p95 over a mix of realistic queries) for the memory (MiniSearch) and PostgreSQL engines.
 * Baseline, measured in the same run on the same documents: a naive linear scan (lower-cased
 * substring match of every word over title + text), which is what an app without an index does.
 * Goals: p50 < 10 ms memory, < 50 ms PostgreSQL.
 *
 *   npx tsx bench/search.bench.ts [--quick]      (--quick: 10k entities + 500 docs sections)
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway
 * schema is created and dropped. Skipped with a message when the server is absent.
 */
import { createRequire } from 'node:module';
import {
  entityToDocument,
  memoryEngine,
  postgresEngine,
  siteToDocuments,
  type SearchDocument,
  type SearchEngine,
  type SearchQuery,
  type SearchableEntity,
} from '../packages/search/src/index.js';

// pg is the search package's dependency, not the workspace root's: load the very copy it uses.
const pg = createRequire(new URL('../packages/search/package.json', import.meta.url))('pg') as typeof import('pg');

const quick = process.argv.includes('--quick');
const ENTITIES = quick ? 10_000 : 100_000;
const DOC_SECTIONS = quick ? 500 : 5_000;
const QUERY_ROUNDS = quick ? 5 : 10;

// Deterministic data: the same documents and queries on every run.
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const domains = ['payments', 'billing', 'ledger', 'checkout', 'search', 'identity', 'shipping', 'catalog', 'pricing', 'inventory', 'notifications', 'analytics', 'reporting', 'fraud', 'loyalty', 'gateway', 'orders', 'accounts', 'media', 'recommendations'];
const roles = ['api', 'worker', 'frontend', 'service', 'adapter', 'scheduler', 'proxy', 'importer', 'exporter', 'cache'];
const words = ['handles', 'card', 'refund', 'customer', 'events', 'stream', 'queue', 'kafka', 'postgres', 'redis', 'grpc', 'rest', 'batch', 'nightly', 'realtime', 'invoices', 'tax', 'currency', 'audit', 'retries', 'latency', 'throughput', 'storage', 'encryption', 'tokens', 'sessions', 'webhooks', 'partners', 'mobile', 'web', 'legacy', 'migration', 'cluster', 'region', 'backup', 'rollback', 'deploy', 'pipeline', 'metrics', 'alerts'];
const sentence = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');

const entities: SearchableEntity[] = Array.from({ length: ENTITIES }, (_, i) => {
  const name = `${pick(domains)}-${pick(roles)}-${i}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: i % 10 === 0 ? 'API' : i % 25 === 0 ? 'System' : 'Component',
    metadata: {
      name,
      description: `The ${name.replace(/-\d+$/, '').replace('-', ' ')} ${sentence(12)}.`,
      tags: [pick(words), pick(words)],
      annotations: { 'github.com/project-slug': `acme/${name}`, 'backstage.io/techdocs-ref': 'dir:.' },
    },
    spec: { type: pick(['service', 'website', 'library']), owner: `team-${i % 200}`, lifecycle: pick(['production', 'experimental', 'deprecated']) },
  };
});
const catalogDocs: SearchDocument[] = entities.map((e) => entityToDocument(e));
const docsDocs: SearchDocument[] = [];
for (let site = 0; docsDocs.length < DOC_SECTIONS; site++) {
  const sections = Array.from({ length: 10 }, (_, s) => ({
    location: `page-${s % 3}/#section-${s}`,
    title: `${pick(['Deploy', 'Rollback', 'Install', 'Configure', 'Monitor', 'Debug', 'Scale', 'Secure'])} ${pick(domains)}`,
    text: `${sentence(60)}. ${sentence(60)}.`,
  }));
  docsDocs.push(...siteToDocuments({ entityRef: `component:default/${entities[site]!.metadata.name}`, searchIndex: { docs: sections } }));
}
docsDocs.length = DOC_SECTIONS;

const billingOwner = String(entities.find((e) => e.metadata.name.startsWith('billing-') && e.kind === 'Component')!.spec!.owner);
const queries: Array<{ label: string; query: SearchQuery }> = [
  { label: 'exact name', query: { term: entities[Math.floor(ENTITIES / 2)]!.metadata.name } },
  { label: 'one word', query: { term: 'payments' } },
  { label: 'prefix', query: { term: 'recomm' } },
  { label: 'two words', query: { term: 'ledger worker' } },
  { label: 'phrase', query: { term: '"card refund"' } },
  { label: 'rare words', query: { term: 'fraud importer kafka' } },
  { label: 'filtered', query: { term: 'billing', filters: { kind: 'Component', owner: billingOwner, lifecycle: ['production', 'experimental'] } } },
  { label: 'docs only', query: { term: 'rollback postgres', types: ['techdocs'] } },
  { label: 'typo', query: { term: 'ledgr' } },
  { label: 'page 3', query: { term: 'checkout api', pageLimit: 25 } },
];

/** Naive baseline: every word must be a substring of title or text; sort by title hit. */
function naiveQuery(docs: SearchDocument[], q: SearchQuery) {
  const terms = q.term.toLowerCase().replace(/"/g, '').split(/\s+/).filter(Boolean);
  const hits: Array<{ doc: SearchDocument; score: number }> = [];
  for (const doc of docs) {
    if (q.types && !q.types.includes(doc.type)) continue;
    if (q.filters && !Object.entries(q.filters).every(([k, v]) => String(doc[k]).toLowerCase() === String(v).toLowerCase())) continue;
    const title = doc.title.toLowerCase();
    const body = `${title} ${doc.text.toLowerCase()}`;
    if (!terms.every((t) => body.includes(t))) continue;
    hits.push({ doc, score: terms.filter((t) => title.includes(t)).length });
  }
  hits.sort((a, b) => b.score - a.score);
  return { total: hits.length, page: hits.slice(0, q.pageLimit ?? 25) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Latencies (ms) of every query, QUERY_ROUNDS times, after one warm-up pass; page 3 uses a cursor. */
async function measureQueries(run: (q: SearchQuery) => Promise<unknown>): Promise<{ all: number[]; perQuery: Map<string, number[]> }> {
  const perQuery = new Map<string, number[]>();
  for (const { query } of queries) await run(query);
  for (let r = 0; r < QUERY_ROUNDS; r++) {
    for (const { label, query } of queries) {
      const [, ms] = await time(() => run(query));
      perQuery.set(label, [...(perQuery.get(label) ?? []), ms]);
    }
  }
  return { all: [...perQuery.values()].flat(), perQuery };
}

const rows: Array<Record<string, string>> = [];
const fmt = (ms: number) => ms.toFixed(2);

async function benchEngine(name: string, engine: SearchEngine, goalP50: number, baselineP50: number) {
  const [, catalogMs] = await time(() => engine.index('software-catalog', catalogDocs));
  const [, docsMs] = await time(() => engine.index('techdocs', docsDocs));
  const counts = new Map<string, number>();
  const run = async (q: SearchQuery) => {
    let result = await engine.query(q);
    counts.set(q.term, result.numberOfResults);
    if (q.pageLimit === 25 && result.nextPageCursor) {
      result = await engine.query({ ...q, pageCursor: result.nextPageCursor });
      if (result.nextPageCursor) result = await engine.query({ ...q, pageCursor: result.nextPageCursor });
    }
    return result;
  };
  const { all, perQuery } = await measureQueries(run);
  const p50 = percentile(all, 50);
  rows.push({
    engine: name,
    'index catalog (s)': (catalogMs / 1000).toFixed(1),
    'index docs (s)': (docsMs / 1000).toFixed(1),
    'p50 ms': fmt(p50),
    'p95 ms': fmt(percentile(all, 95)),
    'vs naive p50': `${(p50 / baselineP50).toFixed(3)}x`,
    goal: `p50 < ${goalP50} ms: ${p50 < goalP50 ? 'met' : 'MISSED'}`,
  });
  console.log(`\n${name}: per-query p50 / p95 ms (hits)`);
  console.table(
    queries.map(({ label, query }) => ({
      query: label,
      term: query.term,
      'p50 ms': fmt(percentile(perQuery.get(label)!, 50)),
      'p95 ms': fmt(percentile(perQuery.get(label)!, 95)),
      hits: counts.get(query.term),
    })),
  );
}

console.log(`search bench: ${ENTITIES.toLocaleString()} entities + ${DOC_SECTIONS.toLocaleString()} docs sections, ${queries.length} queries x ${QUERY_ROUNDS}${quick ? ' (quick)' : ''}`);
const allDocs = [...catalogDocs, ...docsDocs];
const baseline = await measureQueries(async (q) => naiveQuery(allDocs, q));
const baselineP50 = percentile(baseline.all, 50);
rows.push({ engine: 'naive scan (baseline)', 'index catalog (s)': '-', 'index docs (s)': '-', 'p50 ms': fmt(baselineP50), 'p95 ms': fmt(percentile(baseline.all, 95)), 'vs naive p50': '1.000x', goal: '-' });

const memory = memoryEngine();
await benchEngine('memory (MiniSearch)', memory, 10, baselineP50);
await memory.close();

const url = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pool = new pg.Pool({ connectionString: url, max: 4 });
const schema = `pk_bench_search_${Date.now().toString(36)}`;
try {
  await pool.query('SELECT 1');
  try {
    await benchEngine('postgres (FTS)', postgresEngine({ pool, schema }), 50, baselineP50);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
} catch (error) {
  if (process.env.CI) throw error;
  console.log(`\npostgres skipped: ${(error as Error).message} (set PORTALKIT_PG_URL)`);
} finally {
  await pool.end();
}

console.log('\nsummary (latency per query; page 3 = three requests following cursors)');
console.log('memory: only the 2nd and 3rd requests of page 3 (they carry a cursor) may reuse the ranked-list cache; every first page runs its query');
console.table(rows);
