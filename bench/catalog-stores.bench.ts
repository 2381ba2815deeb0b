/*
 * Catalog stores side by side: N generated entities (YAML files, one Location with a glob) are
 * ingested through the catalog engine into the memory store (the baseline), the embedded PGlite
 * store and the PostgreSQL store, then the same queries run through the catalog API on each and
 * report p50/p95 plus the ratio to the memory store measured in this run.
 *
 *   npx tsx bench/catalog-stores.bench.ts [--quick] [--stores memory,pglite,postgres]
 *   (100k entities; --quick: 10k)
 * Goal (100k): PostgreSQL filter query p50 < 30 ms (memory: < 2 ms).
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway
 * schema is created and dropped. Skipped with a message when the server is absent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinKinds, createCatalog, memoryStore, pgliteStore, postgresStore, type Catalog, type CatalogStore } from '../packages/catalog/src/index.js';
import { writeGeneratedCatalog } from './generated-catalog.js';

// The generated org is the host's own catalog: every built-in kind may come from it.
const everyKind = [{ allow: builtinKinds.map((k) => k.kind) }];

// pg is the catalog package's dependency, not the workspace root's: load the very copy it uses.
const pg = createRequire(new URL('../packages/catalog/package.json', import.meta.url))('pg') as typeof import('pg');

const quick = process.argv.includes('--quick');
const count = quick ? 10_000 : 100_000;
const rounds = quick ? 20 : 30;
const perFile = 100;
const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const storesArg = process.argv.indexOf('--stores');
const wanted = storesArg >= 0 ? process.argv[storesArg + 1]!.split(',') : ['memory', 'pglite', 'postgres'];

interface Opened {
  store: CatalogStore;
  close: () => Promise<void>;
}

const openers: Record<string, (dir: string) => Promise<Opened | string>> = {
  async memory() {
    return { store: memoryStore(), close: async () => {} };
  },
  async pglite(dir) {
    const store = pgliteStore({ dataDir: join(dir, 'pglite') });
    await store.ready();
    return { store, close: () => store.close() };
  },
  async postgres() {
    const schema = `pk_bench_${Math.random().toString(36).slice(2, 10)}`;
    const store = postgresStore({ connectionString: pgUrl, schema });
    try {
      await store.ready();
    } catch (error) {
      await store.close();
      return `skipped: no PostgreSQL at ${pgUrl} (${(error as Error).message})`;
    }
    return {
      store,
      close: async () => {
        await store.close();
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  },
};

// Deterministic query inputs: the same refs and pages on every run.
let seed = 7;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const components = Math.floor(count * 0.6);
const queries: Record<string, (catalog: Catalog, i: number) => Promise<unknown>> = {
  // What a catalog page asks first: one kind and type, a page of 20 with its total.
  filter: (c) => c.query({ filter: { kind: 'component', 'spec.type': 'service' }, limit: 20 }),
  byRef: (c) => c.getEntityByRef(`component:default/component-${Math.floor(rand() * components)}`),
  facets: (c) => c.getEntityFacets({ facets: ['kind', 'spec.type', 'spec.lifecycle'], filter: { kind: 'component' } }),
  fullText: (c, i) =>
    c.query({ fullTextFilter: { term: `component ${1000 + i}`, fields: ['metadata.title', 'metadata.description'] }, limit: 20 }),
  cursorPage: async (c) => {
    const first = await c.query({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'asc' }, limit: 20, totalItems: 'exclude' });
    return c.query({ cursor: first.pageInfo.nextCursor!, limit: 20 });
  },
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'pk-stores-'));
try {
  writeGeneratedCatalog(dir, count, perFile);

  const results: Record<string, { ingest: number; stats: Record<string, { p50: number; p95: number }> }> = {};
  console.log(`catalog stores: ${count} generated entities, ${rounds} rounds per query`);
  for (const name of wanted) {
    const opened = await openers[name]!(dir);
    if (typeof opened === 'string') {
      console.log(`  ${name.padEnd(9)} ${opened}`);
      continue;
    }
    try {
      const catalog = createCatalog({ rootDir: dir, store: opened.store, rules: everyKind });
      const start = performance.now();
      await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
      const ingest = (performance.now() - start) / 1000;
      const { totalItems } = await catalog.query({ limit: 1 });
      const errors = await catalog.getProcessingErrors();
      if (errors.length || totalItems !== count + 2) {
        throw new Error(`${name}: stored ${totalItems} entities (want ${count + 2}), ${errors.length} with errors`);
      }
      const stats: Record<string, { p50: number; p95: number }> = {};
      for (const [query, run] of Object.entries(queries)) {
        for (let i = 0; i < 3; i++) await run(catalog, i); // warm-up: JIT, caches, query plans
        const times: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const t = performance.now();
          await run(catalog, i);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        stats[query] = { p50: percentile(times, 50), p95: percentile(times, 95) };
      }
      results[name] = { ingest, stats };
      const base = results.memory;
      console.log(`  ${name.padEnd(9)} ingest ${ingest.toFixed(1)} s (${Math.round(count / ingest)} entities/s${base && name !== 'memory' ? `, ${(ingest / base.ingest).toFixed(1)}x memory` : ''})`);
      for (const [query, s] of Object.entries(stats)) {
        const ratio = base && name !== 'memory' ? `  (${(s.p50 / base.stats[query]!.p50).toFixed(1)}x memory p50)` : '';
        console.log(`    ${query.padEnd(11)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}${ratio}`);
      }
    } finally {
      await opened.close();
    }
  }
  const goal = (name: string, limit: number) => {
    const s = results[name]?.stats.filter;
    if (s) console.log(`  goal      ${name} filter p50 < ${limit} ms: ${s.p50 < limit ? 'met' : 'MISSED'} (${ms(s.p50)})`);
  };
  goal('memory', 2);
  goal('postgres', 30);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
