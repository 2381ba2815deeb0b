/*
 * What issue #19's permissions cost on reads: the same queries as the trusted host (the catalog
 * or search called directly), through `forPrincipal(p)` with a policy that ALLOWs, and through
 * `forPrincipal(p)` with a CONDITIONAL policy, measured in the same process in alternating rounds
 * (the order of the three rotates every round), reported as ratios to the host's figures.
 *
 * The conditional policy is the realistic one of docs/permissions.md: a user reads what one of its
 * ownership refs (user, team, parent team) owns OR what is not labelled `restricted`. Every 10th
 * generated entity carries the label, so the principal sees about 90% of the catalog.
 *
 *   npx tsx bench/permissions.bench.ts [--quick] [--explain] [--stores memory,postgres]
 *   (20k entities; --quick: 5k. --explain: EXPLAIN (ANALYZE, BUFFERS) of the PostgreSQL catalog
 *   operation whose conditional / host ratio is highest, host and conditional, plans printed)
 *
 * Catalog (memory and PostgreSQL stores): a filtered page with its total, facets over 3 fields,
 * one cursor page, getEntitiesByRefs of 50 refs, a full-text filter. Search (memory and
 * PostgreSQL engines, catalog documents of the same entities): four queries. Up to 20 rounds
 * (--quick: 10) per operation; an operation that has spent its time budget stops after 5, so a
 * pathologically slow one (see bench/RESULTS.md run 16) keeps the run at about 4 minutes.
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); throwaway
 * schemas are created and dropped. Skipped with a message when the server is absent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinKinds, createCatalog, memoryStore, postgresStore, type Catalog, type CatalogStore, type CatalogView, type Entity } from '../packages/catalog/src/index.js';
import { catalogConditions, catalogEntityReadPermission, createCatalogConditionalDecision } from '../packages/catalog-model/src/index.js';
import { createPortalAuth, type PermissionPolicy, type Principal } from '../packages/core/src/index.js';
import { catalogCollator, createSearch, memoryEngine, postgresEngine, type SearchEngine, type SearchQuery } from '../packages/search/src/index.js';
import { writeGeneratedCatalog } from './generated-catalog.js';
import { dropSchema, pgUrl } from '../test/support/postgres.js';

// pg of the packages that use it (not the workspace root's): the very copies the stores load.
const pgCatalog = createRequire(new URL('../packages/catalog/package.json', import.meta.url))('pg') as typeof import('pg');
const pgSearch = createRequire(new URL('../packages/search/package.json', import.meta.url))('pg') as typeof import('pg');

const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0)} s`;

const quick = process.argv.includes('--quick');
const explain = process.argv.includes('--explain');
const count = quick ? 5_000 : 20_000;
const rounds = quick ? 10 : 20;
const minRounds = 5;
const budgetMs = quick ? 4_000 : 8_000;
const warmup = 3;
const perFile = 100;
const storesArg = process.argv.indexOf('--stores');
const wanted = storesArg >= 0 ? process.argv[storesArg + 1]!.split(',') : ['memory', 'postgres'];

// The generated org is the host's own catalog: every built-in kind may come from it.
const everyKind = [{ allow: builtinKinds.map((k) => k.kind) }];

// --- Principals and the policy -------------------------------------------------------------

const user = (name: string, team: number, parent: number): Principal => ({
  type: 'user',
  subject: `user:default/${name}`,
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, `group:default/team-${team}`, `group:default/team-${parent}`],
  claims: {},
});
/** Conditional: owns what team-7 (and its parent team-1) own, reads everything not restricted. */
const owner = user('user-7', 7, 1);
/** The policy ALLOWs this one everything. */
const allowed = user('user-8', 8, 1);

const policy: PermissionPolicy = (principal, permission) => {
  if (principal.subject === allowed.subject) return { result: 'ALLOW' };
  if (permission.name === catalogEntityReadPermission.name) {
    // Built on every call, as a policy over the principal's ownership does.
    return createCatalogConditionalDecision({
      anyOf: [
        catalogConditions.isEntityOwner({ claims: principal.ownershipEntityRefs }),
        { not: catalogConditions.hasLabel({ label: 'restricted' }) },
      ],
    });
  }
  return { result: 'ALLOW' };
};
const auth = createPortalAuth({ policy, audit: () => {} });

const restricted = (index: number) => index % 10 === 3;
const labelRestricted = (entity: Entity, index: number): Entity =>
  restricted(index) ? { ...entity, metadata: { ...entity.metadata, labels: { ...entity.metadata.labels, restricted: 'true' } } } : entity;

// --- Measuring -----------------------------------------------------------------------------

const variants = ['host', 'allow', 'conditional'] as const;
type Variant = (typeof variants)[number];
type Times = Record<Variant, number[]>;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

/**
 * Time every operation under every variant: warm-up rounds first, then up to `rounds` rounds;
 * within a round each operation runs once per variant, the variants' order rotating from round to
 * round. An operation leaves the rotation once it has run `minRounds` rounds and spent
 * `budgetMs` (all variants together), so a pathologically slow one cannot stretch the run.
 */
async function measure<Ops extends Record<string, (variant: Variant, round: number) => Promise<unknown>>>(ops: Ops): Promise<Record<keyof Ops, Times>> {
  const times = Object.fromEntries(Object.keys(ops).map((op) => [op, { host: [], allow: [], conditional: [] }])) as unknown as Record<keyof Ops, Times>;
  const spent = new Map<string, number>();
  for (let round = -warmup; round < rounds; round++) {
    const shift = (round + warmup) % variants.length;
    const order = [...variants.slice(shift), ...variants.slice(0, shift)];
    for (const [op, run] of Object.entries(ops)) {
      if (round >= minRounds && (spent.get(op) ?? 0) > budgetMs) continue;
      for (const variant of order) {
        const start = performance.now();
        await run(variant, round);
        const took = performance.now() - start;
        spent.set(op, (spent.get(op) ?? 0) + took);
        if (round >= 0) times[op as keyof Ops][variant].push(took);
      }
    }
  }
  return times;
}

interface Row {
  area: string;
  op: string;
  'host p50': string;
  'allow p50': string;
  'cond p50': string;
  'allow/host p50': string;
  'cond/host p50': string;
  'cond/host p95': string;
  rounds: number;
  visible: string;
}
const rows: Row[] = [];
const ratios: Array<{ area: string; op: string; ratio: number }> = [];

function report(area: string, times: Record<string, Times>, visible: Record<string, string>) {
  const before = rows.length;
  for (const [op, t] of Object.entries(times)) {
    const p50 = (v: Variant) => percentile(t[v], 50);
    const p95 = (v: Variant) => percentile(t[v], 95);
    ratios.push({ area, op, ratio: p50('conditional') / p50('host') });
    rows.push({
      area,
      op,
      'host p50': `${ms(p50('host'))} ms`,
      'allow p50': `${ms(p50('allow'))} ms`,
      'cond p50': `${ms(p50('conditional'))} ms`,
      'allow/host p50': (p50('allow') / p50('host')).toFixed(2),
      'cond/host p50': (p50('conditional') / p50('host')).toFixed(2),
      'cond/host p95': (p95('conditional') / p95('host')).toFixed(2),
      rounds: t.host.length,
      visible: visible[op] ?? '',
    });
  }
  console.log(`${area}: timed at ${elapsed()}`);
  console.table(rows.slice(before));
}


// --- Catalog -------------------------------------------------------------------------------

let seed = 7;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const entityRefs = (entities: Entity[]) => entities.map((e) => `${e.kind.toLowerCase()}:default/${e.metadata.name}`);
/** 50 refs per round, fixed in advance: components and APIs, some restricted, two that do not exist. */
function refBatches(refs: string[]): string[][] {
  const pool = refs.filter((r) => r.startsWith('component:') || r.startsWith('api:'));
  return Array.from({ length: rounds + warmup }, () => [
    ...Array.from({ length: 48 }, () => pool[Math.floor(rand() * pool.length)]!),
    'component:default/missing-1',
    'api:default/missing-2',
  ]);
}

const catalogOps = (catalog: Catalog, cursors: Record<Variant, string>, batches: string[][]) => {
  const view = (variant: Variant): CatalogView =>
    variant === 'host' ? catalog : catalog.forPrincipal(variant === 'allow' ? allowed : owner);
  return {
    'page + total': (v: Variant) => view(v).query({ filter: { kind: 'component' }, limit: 20 }),
    'facets x3': (v: Variant) => view(v).getEntityFacets({ facets: ['kind', 'spec.type', 'spec.lifecycle'], filter: { kind: 'component' } }),
    'cursor page': (v: Variant) => view(v).query({ cursor: cursors[v], limit: 20 }),
    'byRefs 50': (v: Variant, round: number) => view(v).getEntitiesByRefs(batches[round + warmup]!),
    'full text': (v: Variant, round: number) =>
      view(v).query({ fullTextFilter: { term: `component ${1000 + (round + warmup)}`, fields: ['metadata.title', 'metadata.description'] }, limit: 20 }),
  };
};

interface Opened {
  store: CatalogStore;
  close: () => Promise<void>;
}

async function openStore(name: string): Promise<Opened | string> {
  if (name === 'memory') return { store: memoryStore(), close: async () => {} };
  const schema = `pk_bench_perm_${Math.random().toString(36).slice(2, 10)}`;
  const store = postgresStore({ connectionString: pgUrl, schema });
  try {
    await store.ready();
  } catch (error) {
    await store.close();
    return `skipped: no PostgreSQL at ${pgUrl} (${(error as Error).message})`;
  }
  return { store, close: () => store.close().then(() => dropSchema(schema)) };
}

/** Ingest, check what each variant sees, time the operations; returns the entities (for search). */
async function benchCatalog(name: string, dir: string): Promise<Entity[] | undefined> {
  const opened = await openStore(name);
  if (typeof opened === 'string') {
    console.log(`catalog ${name}: ${opened}`);
    return undefined;
  }
  try {
    const catalog = createCatalog({ rootDir: dir, store: opened.store, rules: everyKind, auth });
    const start = performance.now();
    await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
    const ingest = (performance.now() - start) / 1000;
    const { totalItems } = await catalog.query({ limit: 1 });
    if (totalItems !== count + 2) throw new Error(`${name}: stored ${totalItems} entities (want ${count + 2})`);
    console.log(`catalog ${name}: ingested ${totalItems} entities in ${ingest.toFixed(1)} s (at ${elapsed()})`);

    // What each variant sees: the conditional one must see less than the host, and not nothing.
    const visible: Record<string, string> = {};
    const totals = await Promise.all(
      [catalog, catalog.forPrincipal(allowed), catalog.forPrincipal(owner)].map((v) => v.query({ filter: { kind: 'component' }, limit: 1 }).then((r) => r.totalItems)),
    );
    if (totals[1] !== totals[0] || !(totals[2]! < totals[0]! && totals[2]! > 0)) throw new Error(`${name}: components seen host/allow/conditional ${totals.join('/')}`);
    visible['page + total'] = `${totals[2]}/${totals[0]}`;

    const first = (v: CatalogView) => v.query({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'asc' }, limit: 20, totalItems: 'exclude' });
    const cursors = {
      host: (await first(catalog)).pageInfo.nextCursor!,
      allow: (await first(catalog.forPrincipal(allowed))).pageInfo.nextCursor!,
      conditional: (await first(catalog.forPrincipal(owner))).pageInfo.nextCursor!,
    };
    seed = 7;
    const all = (await catalog.getEntities()).items;
    const ops = catalogOps(catalog, cursors, refBatches(entityRefs(all)));
    const times = await measure(ops);
    report(`catalog ${name}`, times, visible);
    if (explain && name === 'postgres') await explainSlowest('catalog postgres', ops, pgCatalog);
    return all;
  } finally {
    await opened.close();
  }
}

// --- EXPLAIN of the slowest PostgreSQL catalog operation ------------------------------------

/**
 * The operation of `area` with the highest conditional / host ratio: run once as host and as the
 * conditional principal with pg's Client.query recording statements, then EXPLAIN each SELECT.
 */
async function explainSlowest(area: string, ops: Record<string, (v: Variant, round: number) => Promise<unknown>>, pg: typeof import('pg')) {
  const slowest = ratios.filter((r) => r.area === area).sort((a, b) => b.ratio - a.ratio)[0]!;
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS): ${area} "${slowest.op}" (conditional / host p50 ${slowest.ratio.toFixed(2)})`);
  const recorded: Array<{ text: string; values?: unknown[] }> = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [first, second] = args as [unknown, unknown];
    const config = typeof first === 'string' ? { text: first } : (first as { text?: string; values?: unknown[] } | undefined);
    const values = Array.isArray(second) ? second : config?.values;
    if (config?.text) recorded.push({ text: config.text, ...(values ? { values } : {}) });
    return original.apply(this, args);
  };
  const statements: Record<string, typeof recorded> = {};
  try {
    for (const variant of ['host', 'conditional'] as const) {
      recorded.length = 0;
      await ops[slowest.op]!(variant, 0);
      statements[variant] = recorded.filter((s) => /^\s*(SELECT|WITH)\b/i.test(s.text));
    }
  } finally {
    proto.query = original;
  }
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    if (area.startsWith('catalog')) await client.query('SET jit = off'); // as the store's pool
    for (const [variant, list] of Object.entries(statements)) {
      const plans: Array<{ time: number; text: string; plan: string }> = [];
      for (const s of list) {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
        const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        plans.push({ time: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? 0), text: s.text, plan });
      }
      console.log(`\n--- ${variant}: ${plans.length} SELECT(s), execution ${plans.map((p) => `${p.time.toFixed(1)} ms`).join(', ')}`);
      const worst = plans.sort((a, b) => b.time - a.time)[0];
      if (!worst) continue;
      // The slowest statement's text and plan; long plans (one subplan per condition) are cut.
      const lines = worst.plan.split('\n');
      const shown = lines.length > 70 ? [...lines.slice(0, 60), `  ... ${lines.length - 62} more plan lines ...`, ...lines.slice(-2)] : lines;
      console.log(`${worst.text.length > 1500 ? `${worst.text.slice(0, 1500)} ... (${worst.text.length} chars)` : worst.text}\n\n${shown.join('\n')}`);
    }
  } finally {
    await client.end();
  }
}

// --- Search --------------------------------------------------------------------------------

const searchQueries: Array<{ label: string; query: SearchQuery }> = [
  { label: 'one word', query: { term: 'python' } },
  { label: 'name', query: { term: 'component-1234' } },
  { label: 'two words', query: { term: 'generated component' } },
  { label: 'filtered', query: { term: 'service', filters: { kind: 'Component' } } },
];

async function benchSearch(name: string, engine: SearchEngine, entities: Entity[]) {
  const search = createSearch({ engine, collators: [catalogCollator({ getEntities: () => entities })], auth, rebuildOnStart: false });
  await search.start();
  try {
    const start = performance.now();
    const [result] = await search.rebuild();
    if (!result?.ok || result.documents !== entities.length) throw new Error(`search ${name}: indexing failed ${JSON.stringify(result)}`);
    console.log(`search ${name}: indexed ${result.documents} documents in ${((performance.now() - start) / 1000).toFixed(1)} s (at ${elapsed()})`);
    const reader = (v: Variant) => (v === 'host' ? search : search.forPrincipal(v === 'allow' ? allowed : owner));
    const visible: Record<string, string> = {};
    for (const { label, query } of searchQueries) {
      const [host, cond] = await Promise.all([search.query(query), search.forPrincipal(owner).query(query)]);
      if (cond.numberOfResults > host.numberOfResults || host.numberOfResults === 0) throw new Error(`search ${name} "${label}": conditional saw ${cond.numberOfResults} of ${host.numberOfResults}`);
      visible[label] = `${cond.numberOfResults}/${host.numberOfResults}`;
    }
    const ops = Object.fromEntries(searchQueries.map(({ label, query }) => [label, (v: Variant) => reader(v).query(query)]));
    report(`search ${name}`, await measure(ops), visible);
    if (explain && name === 'postgres') await explainSlowest('search postgres', ops, pgSearch);
  } finally {
    await search.stop();
  }
}

// --- Run -----------------------------------------------------------------------------------

console.log(`permissions bench: ${count} generated entities (every 10th labelled restricted), up to ${rounds} rounds (at least ${minRounds}, ${budgetMs / 1000} s per operation) after ${warmup} warm-up${quick ? ' (quick)' : ''}`);
const dir = mkdtempSync(join(tmpdir(), 'pk-perm-'));
let entities: Entity[] | undefined;
try {
  writeGeneratedCatalog(dir, count, perFile, labelRestricted);
  for (const name of wanted) entities = (await benchCatalog(name, dir)) ?? entities;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (entities) {
  await benchSearch('memory', memoryEngine(), entities);
  const pool = new pgSearch.Pool({ connectionString: pgUrl, max: 4 });
  const schema = `pk_bench_perm_search_${Date.now().toString(36)}`;
  try {
    await pool.query('SELECT 1');
    try {
      await benchSearch('postgres', postgresEngine({ pool, schema }), entities);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } catch (error) {
    if (process.env.CI) throw error;
    console.log(`search postgres skipped: ${(error as Error).message}`);
  } finally {
    await pool.end();
  }
}

console.log(`\nratios to the host (trusted, no forPrincipal) measured in the same rounds; visible = what the conditional principal counts / the host counts`);
console.table(rows);
console.log(`done in ${elapsed()}`);
