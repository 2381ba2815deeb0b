/*
 * Catalog stores side by side: N generated entities (YAML files, one Location with a glob) are
 * ingested through the catalog engine into the memory store (the baseline), the embedded PGlite
 * store and the PostgreSQL store, then the same queries run through the catalog API on each and
 * report p50/p95 plus the ratio to the memory store measured in this run. Each store runs in
 * its own Node process.
 *
 *   npx tsx bench/catalog-stores.bench.ts [--quick] [--stores memory,pglite,postgres]
 *       [--rounds 1] [--baseline-dir /path/to/other/checkout]
 *   (100k entities; --quick: 10k)
 *
 * With --baseline-dir, every round also runs the same measurement against that checkout's
 * packages (e.g. a worktree at the commit before a change, installed and built), the two trees
 * alternating round by round; the report gives each query's median p50 over the rounds, after /
 * before ratios, and the ratio to the memory store of the same tree.
 * Goals (100k, PostgreSQL, median p50): filter + total < 30 ms, facets of three fields < 50 ms,
 * full-text filter < 100 ms, first page + cursor page ordered by a field < 60 ms (memory filter
 * < 2 ms).
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway
 * schema is created and dropped. Skipped with a message when the server is absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Catalog, CatalogStore } from '../packages/catalog/src/index.js';
import { writeGeneratedCatalog } from './generated-catalog.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const count = quick ? 10_000 : 100_000;
const queryRounds = quick ? 20 : 30;
const perFile = 100;
const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));

type Stats = Record<string, { p50: number; p95: number }>;
interface Measured {
  ingest: number;
  stats: Stats;
}

interface Opened {
  store: CatalogStore;
  close: () => Promise<void>;
}

type CatalogPackage = typeof import('../packages/catalog/src/index.js');

/** Open one store of the catalog package loaded from `codeDir`; a string says why it was skipped. */
async function open(pkg: CatalogPackage, name: string, dir: string, codeDir: string): Promise<Opened | string> {
  if (name === 'memory') return { store: pkg.memoryStore(), close: async () => {} };
  if (name === 'pglite') {
    const store = pkg.pgliteStore({ dataDir: join(dir, 'pglite') });
    await store.ready();
    return { store, close: () => store.close() };
  }
  const schema = `pk_bench_${Math.random().toString(36).slice(2, 10)}`;
  const store = pkg.postgresStore({ connectionString: pgUrl, schema });
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
      // pg is the catalog package's dependency, not the workspace root's: load the very copy it uses.
      const pg = createRequire(join(codeDir, 'packages/catalog/package.json'))('pg') as typeof import('pg');
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

const components = Math.floor(count * 0.6);
/** The queries a portal page makes; `rand` gives the same refs on every run. */
const queries = (rand: () => number): Record<string, (catalog: Catalog, i: number) => Promise<unknown>> => ({
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
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

/** Child mode: ingest into one store using the packages of `codeDir`, time the queries, print one JSON line. */
async function child(name: string, codeDir: string): Promise<void> {
  const pkg = (await import(pathToFileURL(join(codeDir, 'packages/catalog/src/index.ts')).href)) as CatalogPackage;
  const dir = mkdtempSync(join(tmpdir(), 'pk-stores-'));
  try {
    writeGeneratedCatalog(dir, count, perFile);
    const opened = await open(pkg, name, dir, codeDir);
    if (typeof opened === 'string') {
      console.log(JSON.stringify({ skipped: opened }));
      return;
    }
    try {
      // The generated org is the host's own catalog: every built-in kind may come from it.
      const catalog = pkg.createCatalog({ rootDir: dir, store: opened.store, rules: [{ allow: pkg.builtinKinds.map((k) => k.kind) }] });
      const start = performance.now();
      await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
      const ingest = (performance.now() - start) / 1000;
      const { totalItems } = await catalog.query({ limit: 1 });
      const errors = await catalog.getProcessingErrors();
      if (errors.length || totalItems !== count + 2) throw new Error(`${name}: stored ${totalItems} entities (want ${count + 2}), ${errors.length} with errors`);
      let seed = 7;
      const stats: Stats = {};
      for (const [query, run] of Object.entries(queries(() => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31))) {
        for (let i = 0; i < 3; i++) await run(catalog, i); // warm-up: JIT, caches, query plans
        const times: number[] = [];
        for (let i = 0; i < queryRounds; i++) {
          const t = performance.now();
          await run(catalog, i);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        stats[query] = { p50: percentile(times, 50), p95: percentile(times, 95) };
      }
      console.log(JSON.stringify({ ingest, stats } satisfies Measured));
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(store: string, codeDir: string): (Measured & { load: number }) | string {
  const load = loadavg()[0]!;
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', store, '--code-dir', codeDir, ...(quick ? ['--quick'] : [])], {
    cwd: here,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`${store} in ${codeDir} failed (exit ${result.status}): ${result.stdout.slice(-500)}`);
  const parsed = JSON.parse(line) as Measured | { skipped: string };
  return 'skipped' in parsed ? parsed.skipped : { ...parsed, load };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Median over the rounds of each query's p50 and p95, and of the ingest time. */
function summarize(runs: readonly Measured[]): Measured {
  const stats: Stats = {};
  for (const query of Object.keys(runs[0]!.stats)) {
    stats[query] = { p50: median(runs.map((r) => r.stats[query]!.p50)), p95: median(runs.map((r) => r.stats[query]!.p95)) };
  }
  return { ingest: median(runs.map((r) => r.ingest)), stats };
}

function report(trees: readonly { name: string }[], stores: readonly string[], results: Map<string, Measured[]>, rounds: number): void {
  console.log(rounds > 1 || trees.length > 1 ? `medians over ${rounds} round(s):` : 'results:');
  const summary = new Map([...results].map(([key, runs]) => [key, summarize(runs)]));
  for (const store of stores) {
    for (const tree of trees) {
      const m = summary.get(`${store} ${tree.name}`);
      if (!m) continue;
      const mem = store !== 'memory' ? summary.get(`memory ${tree.name}`) : undefined;
      const before = tree.name === 'after' ? summary.get(`${store} before`) : undefined;
      console.log(`  ${`${store} ${tree.name}`.padEnd(16)} ingest ${m.ingest.toFixed(1)} s (${Math.round(count / m.ingest)} entities/s${mem ? `, ${(m.ingest / mem.ingest).toFixed(1)}x memory` : ''})`);
      for (const [query, s] of Object.entries(m.stats)) {
        const vsMemory = mem ? `  ${(s.p50 / mem.stats[query]!.p50).toFixed(1)}x memory` : '';
        const vsBefore = before ? `  after/before ${(s.p50 / before.stats[query]!.p50).toFixed(2)}` : '';
        console.log(`    ${query.padEnd(11)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}${vsMemory}${vsBefore}`);
      }
    }
  }
  const goals: [string, string, number][] = [
    ['memory', 'filter', 2],
    ['postgres', 'filter', 30],
    ['postgres', 'facets', 50],
    ['postgres', 'fullText', 100],
    ['postgres', 'cursorPage', 60],
  ];
  for (const [store, query, limit] of goals) {
    const s = summary.get(`${store} ${trees[0]!.name}`)?.stats[query];
    if (s) console.log(`  goal      ${store} ${query} p50 < ${limit} ms: ${s.p50 < limit ? 'met' : 'MISSED'} (${ms(s.p50)})`);
  }
}

async function main(): Promise<void> {
  const stores = (option('--stores') ?? 'memory,pglite,postgres').split(',');
  const rounds = Number(option('--rounds') ?? 1);
  const baselineDir = option('--baseline-dir');
  const trees = baselineDir ? [{ name: 'after', dir: here }, { name: 'before', dir: resolve(baselineDir) }] : [{ name: 'this', dir: here }];
  const results = new Map<string, Measured[]>();
  console.log(`catalog stores: ${count} generated entities, ${queryRounds} timings per query, ${rounds} round(s), trees: ${trees.map((t) => `${t.name}=${t.dir}`).join(', ')}`);
  for (let round = 0; round < rounds; round++) {
    // Alternate which tree goes first, so neither always runs on the warmer (or busier) machine.
    const order = round % 2 ? [...trees].reverse() : trees;
    for (const store of stores) {
      for (const tree of order) {
        const m = runChild(store, tree.dir);
        const key = `${store} ${tree.name}`;
        if (typeof m === 'string') {
          console.log(`  round ${round + 1} ${key.padEnd(16)} ${m}`);
          continue;
        }
        results.set(key, [...(results.get(key) ?? []), m]);
        const line = Object.entries(m.stats).map(([q, s]) => `${q} ${ms(s.p50)}`).join(', ');
        console.log(`  round ${round + 1} ${key.padEnd(16)} ingest ${m.ingest.toFixed(1)} s; p50 ${line}; load ${m.load.toFixed(1)}`);
      }
    }
  }
  report(trees, stores, results, rounds);
}

if (args.includes('--child')) await child(option('--child')!, option('--code-dir') ?? here);
else await main();
