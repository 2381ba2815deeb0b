/*
 * @portalkit/search: index 100k catalog entities + 5k docs sections, then measure query latency
 * (p50/p95 over a mix of realistic queries) for the memory (MiniSearch) and PostgreSQL engines.
 * Baseline, measured in the same run on the same documents: a naive linear scan (lower-cased
 * substring match of every word over title + text), which is what an app without an index does.
 * Goals: p50 < 10 ms memory, < 20 ms PostgreSQL.
 *
 *   npx tsx bench/search.bench.ts [--quick] [--rounds N] [--baseline-dir /path/to/other/checkout]
 *   (--quick: 10k entities + 500 docs sections)
 *
 * With --baseline-dir, the PostgreSQL engine of that checkout (e.g. a worktree at the commit before
 * a change, installed and built) runs beside this one, each in its own Node process on its own
 * schema, the two alternating query pass by query pass; the report gives both and after / before.
 * --rounds N repeats the measurement N times (each engine indexed once) and reports the median of
 * the rounds' p50s.
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); throwaway
 * schemas are created and dropped. Skipped with a message when the server is absent.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { memoryEngine, postgresEngine, type SearchDocument, type SearchEngine, type SearchQuery } from '../packages/search/src/index.js';
import { searchBenchData } from './search-data.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const ENTITIES = quick ? 10_000 : 100_000;
const DOC_SECTIONS = quick ? 500 : 5_000;
const QUERY_ROUNDS = quick ? 5 : 10;
const ROUNDS = Number(option('--rounds') ?? 1);
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const { catalogDocs, docsDocs, queries } = searchBenchData({ entities: ENTITIES, docSections: DOC_SECTIONS });

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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** One pass over the query mix: each query's latency (page 3 = three requests following cursors) and hits. */
type Pass = Array<{ label: string; ms: number; hits: number }>;

/** A query `run` for an engine: the first page, and for `pageLimit: 25` the two pages after it. */
function runner(engine: { query(q: SearchQuery): Promise<{ numberOfResults: number; nextPageCursor?: string }> }) {
  return async (q: SearchQuery) => {
    let result = await engine.query(q);
    const hits = result.numberOfResults;
    if (q.pageLimit === 25 && result.nextPageCursor) {
      result = await engine.query({ ...q, pageCursor: result.nextPageCursor });
      if (result.nextPageCursor) result = await engine.query({ ...q, pageCursor: result.nextPageCursor });
    }
    return hits;
  };
}

async function pass(run: (q: SearchQuery) => Promise<number>): Promise<Pass> {
  const out: Pass = [];
  for (const { label, query } of queries) {
    const [hits, ms] = await time(() => run(query));
    out.push({ label, ms, hits });
  }
  return out;
}

/** Something measured pass by pass: an engine in this process, or one served by a child process. */
interface Measured {
  name: string;
  goal?: number;
  indexed?: { catalogMs: number; docsMs: number };
  pass(): Promise<Pass>;
  close(): Promise<void>;
}

async function inProcess(name: string, engine: SearchEngine, goal: number): Promise<Measured> {
  const [, catalogMs] = await time(() => engine.index('software-catalog', catalogDocs));
  const [, docsMs] = await time(() => engine.index('techdocs', docsDocs));
  const run = runner(engine);
  return { name, goal, indexed: { catalogMs, docsMs }, pass: () => pass(run), close: () => engine.close() };
}

/** Child mode: the PostgreSQL engine of `codeDir` on its own schema, one query pass per message. */
async function serve(codeDir: string): Promise<void> {
  const search = (await import(pathToFileURL(join(codeDir, 'packages/search/src/index.ts')).href)) as typeof import('../packages/search/src/index.js');
  // pg is the search package's dependency, not the workspace root's: load the very copy it uses.
  const pg = createRequire(join(codeDir, 'packages/search/package.json'))('pg') as typeof import('pg');
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  const schema = `pk_bench_search_${Math.random().toString(36).slice(2, 10)}`;
  const engine = search.postgresEngine({ pool, schema });
  const send = (message: unknown) => process.send!(message);
  try {
    const [, catalogMs] = await time(() => engine.index('software-catalog', catalogDocs));
    const [, docsMs] = await time(() => engine.index('techdocs', docsDocs));
    send({ indexed: { catalogMs, docsMs } });
    const run = runner(engine);
    for await (const message of messages()) {
      if (message !== 'pass') break;
      send({ pass: await pass(run) });
    }
  } finally {
    await engine.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    // The IPC channel would keep this process alive.
    process.disconnect();
  }
}

async function* messages(): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (m) => {
    queue.push(m);
    wake?.();
  });
  process.on('disconnect', () => {
    queue.push('close');
    wake?.();
  });
  for (;;) {
    while (queue.length > 0) yield queue.shift();
    await new Promise<void>((r) => (wake = r));
  }
}

function inChild(name: string, codeDir: string, goal: number): Promise<Measured> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', codeDir, ...(quick ? ['--quick'] : [])], {
    cwd: here,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const onExit = (code: number | null) => fail(new Error(`${name} (${codeDir}) exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        ok(m as Record<string, unknown>);
      });
    });
  return next().then((first) => ({
    name,
    goal,
    indexed: first.indexed as Measured['indexed'],
    async pass() {
      const reply = next();
      child.send('pass');
      return (await reply).pass as Pass;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('close');
      await exited;
    },
  }));
}

/** Per engine, per round: every pass (one warm-up pass first, not kept); engines alternate pass by pass. */
async function measure(engines: Measured[]): Promise<Map<string, Pass[][]>> {
  const results = new Map<string, Pass[][]>(engines.map((e) => [e.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of engines) await e.pass();
    const passes = new Map<string, Pass[]>(engines.map((e) => [e.name, []]));
    for (let r = 0; r < QUERY_ROUNDS; r++) {
      // Alternate which engine goes first, so neither always runs on the warmer (or busier) machine.
      for (const e of r % 2 ? [...engines].reverse() : engines) passes.get(e.name)!.push(await e.pass());
    }
    for (const e of engines) results.get(e.name)!.push(passes.get(e.name)!);
    console.log(`round ${round + 1}: ${engines.map((e) => `${e.name} p50 ${fmt(p50Of(passes.get(e.name)!))} ms`).join(', ')}; load ${loadavg()[0]!.toFixed(1)}`);
  }
  return results;
}

const p50Of = (passes: Pass[], label?: string) => percentile(passes.flatMap((p) => p.filter((x) => !label || x.label === label).map((x) => x.ms)), 50);
const p95Of = (passes: Pass[], label?: string) => percentile(passes.flatMap((p) => p.filter((x) => !label || x.label === label).map((x) => x.ms)), 95);
const fmt = (ms: number) => ms.toFixed(2);

async function main(): Promise<void> {
  const baselineDir = option('--baseline-dir');
  console.log(
    `search bench: ${ENTITIES.toLocaleString()} entities + ${DOC_SECTIONS.toLocaleString()} docs sections, ${queries.length} queries x ${QUERY_ROUNDS}${quick ? ' (quick)' : ''}` +
      `${ROUNDS > 1 ? `, ${ROUNDS} rounds` : ''}${baselineDir ? `, baseline checkout ${resolve(baselineDir)}` : ''}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const allDocs = [...catalogDocs, ...docsDocs];
  const naive: Measured = { name: 'naive scan (baseline)', pass: () => pass(async (q) => naiveQuery(allDocs, q).total), close: async () => {} };
  const rows: Array<Record<string, string>> = [];
  const perQuery = new Map<string, Pass[]>();
  const report = (results: Map<string, Pass[][]>, engines: Measured[]) => {
    for (const e of engines) {
      const rounds = results.get(e.name)!;
      perQuery.set(e.name, rounds.flat());
      const p50 = median(rounds.map((passes) => p50Of(passes)));
      const naiveP50 = median(results.get(naive.name)?.map((passes) => p50Of(passes)) ?? [p50Of(perQuery.get(naive.name)!)]);
      rows.push({
        engine: e.name,
        'index catalog (s)': e.indexed ? (e.indexed.catalogMs / 1000).toFixed(1) : '-',
        'index docs (s)': e.indexed ? (e.indexed.docsMs / 1000).toFixed(1) : '-',
        'p50 ms': fmt(p50),
        'p95 ms': fmt(median(rounds.map((passes) => p95Of(passes)))),
        ...(ROUNDS > 1 ? { 'p50 of each round': rounds.map((passes) => fmt(p50Of(passes))).join(' / ') } : {}),
        'vs naive p50': `${(p50 / naiveP50).toFixed(3)}x`,
        goal: e.goal ? `p50 < ${e.goal} ms: ${p50 < e.goal ? 'met' : 'MISSED'}` : '-',
      });
    }
  };

  report(await measure([naive]), [naive]);
  const memory = await inProcess('memory (MiniSearch)', memoryEngine(), 10);
  report(await measure([memory]), [memory]);
  await memory.close();

  const engines: Measured[] = [];
  try {
    const pg = createRequire(new URL('../packages/search/package.json', import.meta.url))('pg') as typeof import('pg');
    const probe = new pg.Client({ connectionString: pgUrl });
    await probe.connect();
    await probe.end();
    if (baselineDir) {
      engines.push(await inChild('postgres (FTS)', here, 20), await inChild('postgres before (baseline checkout)', resolve(baselineDir), 20));
    } else {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
      const schema = `pk_bench_search_${Date.now().toString(36)}`;
      const measured = await inProcess('postgres (FTS)', postgresEngine({ pool, schema }), 20);
      engines.push({
        ...measured,
        async close() {
          await measured.close();
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await pool.end();
        },
      });
    }
    report(await measure(engines), engines);
  } catch (error) {
    if (process.env.CI) throw error;
    console.log(`\npostgres skipped: ${(error as Error).message} (set PORTALKIT_PG_URL)`);
  } finally {
    for (const e of engines) await e.close();
  }

  for (const [name, passes] of perQuery) {
    if (name === naive.name) continue;
    console.log(`\n${name}: per-query p50 / p95 ms (hits)`);
    const before = baselineDir && name === 'postgres (FTS)' ? perQuery.get('postgres before (baseline checkout)') : undefined;
    console.table(
      queries.map(({ label, query }) => ({
        query: label,
        term: query.term,
        'p50 ms': fmt(p50Of(passes, label)),
        'p95 ms': fmt(p95Of(passes, label)),
        hits: passes[0]!.find((x) => x.label === label)!.hits,
        ...(before ? { 'after / before p50': `${(p50Of(passes, label) / p50Of(before, label)).toFixed(2)}x` } : {}),
      })),
    );
  }
  console.log('\nsummary (latency per query; page 3 = three requests following cursors)');
  console.log('memory and postgres: only the 2nd and 3rd requests of page 3 (they carry a cursor) may reuse a kept ranking; every first page runs its query');
  console.table(rows);
  if (baselineDir) {
    const after = rows.find((r) => r.engine === 'postgres (FTS)');
    const before = rows.find((r) => r.engine === 'postgres before (baseline checkout)');
    if (after && before) console.log(`postgres after / before p50: ${(Number(after['p50 ms']) / Number(before['p50 ms'])).toFixed(2)}x`);
  }
  console.log(`load at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

if (option('--serve')) await serve(option('--serve')!);
else await main();
