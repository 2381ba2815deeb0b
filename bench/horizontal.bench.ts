/*
 * Several portal processes on one PostgreSQL database: what a second and third process add.
 *
 * 1. Catalog: N generated entities in files registered as separate locations (the catalog
 *    splits a refresh between workers by root), one refresh by 1, 2 and 3 worker processes on a
 *    fresh schema each; entities/s from the moment all are ready until the last is done.
 * 2. Task queue: T tasks (each ~20 ms, half waiting and half computing) served by 1, 2 and 3
 *    worker processes; tasks/s from creating them until the last completes.
 * 3. Events: latency from a publish in one bus to delivery in another bus on the same database
 *    (the PostgreSQL event bus: NOTIFY, then a read of the event table), against the in-process
 *    bus measured in the same run; p50/p95 over E events.
 *
 *   npx tsx bench/horizontal.bench.ts [--quick]
 * The machine has 2 cores: a third process competes for them, and so does PostgreSQL itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEventBus } from '../packages/core/src/index.js';
import { postgresTaskStore, type TaskSpec } from '../packages/scaffolder/src/index.js';
import { createPgEventBus } from '../packages/sql/src/index.js';
import { writeGeneratedCatalog } from './generated-catalog.js';

const pg = createRequire(new URL('../packages/catalog/package.json', import.meta.url))('pg') as typeof import('pg');
const quick = process.argv.includes('--quick');
const entities = quick ? 1_000 : 5_000;
const tasks = quick ? 60 : 200;
const eventCount = quick ? 100 : 300;
const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const repo = fileURLToPath(new URL('..', import.meta.url));
const schemas: string[] = [];
const fresh = () => {
  const schema = `pk_bench_h_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(schema);
  return schema;
};

function spawnWorker(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repo,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repo, 'tsconfig.json') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const waitFor = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(word) ? (clearInterval(timer), resolve()) : undefined);
      const timer = setInterval(check, 5);
      child.once('exit', (code) => (out.includes(word) ? resolve() : reject(new Error(`worker exited ${code} before ${word}`))));
    });
  return { child, waitFor };
}

async function catalogRound(processes: number, rootDir: string, locations: unknown[]) {
  const schema = fresh();
  const script = join(repo, 'bench/workers/catalog-refresh.ts');
  // Migrate once first, so the workers do not queue on one migration.
  const setup = spawnWorker(script, [pgUrl, schema, rootDir, '[]']);
  await setup.waitFor('READY');
  setup.child.kill();
  const workers = Array.from({ length: processes }, () => spawnWorker(script, [pgUrl, schema, rootDir, JSON.stringify(locations)]));
  await Promise.all(workers.map((w) => w.waitFor('READY')));
  const started = performance.now();
  for (const w of workers) w.child.stdin!.write('go\n');
  await Promise.all(workers.map((w) => w.waitFor('DONE')));
  return performance.now() - started;
}

const taskSpec: TaskSpec = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps: [{ id: 'work', name: 'work', action: 'test:work', input: { ms: 20 } }],
  output: {},
  templateInfo: { entityRef: 'template:default/bench' },
};

async function taskRound(processes: number, dir: string) {
  const schema = fresh();
  const store = postgresTaskStore({ connectionString: pgUrl, schema });
  await store.list();
  const script = join(repo, 'test/horizontal/workers/task-worker.ts');
  const workers: ChildProcess[] = [];
  try {
    const spawned = Array.from({ length: processes }, (_, i) => spawnWorker(script, [pgUrl, schema, join(dir, `${schema}-${i}`), `w${i}`]));
    workers.push(...spawned.map((s) => s.child));
    await Promise.all(spawned.map((s) => s.waitFor('READY')));
    const started = performance.now();
    await Promise.all(Array.from({ length: tasks }, () => store.createTask({ spec: taskSpec })));
    for (;;) {
      const [done, failed] = await Promise.all([store.list({ status: 'completed', limit: 1 }), store.list({ status: 'failed', limit: 1 })]);
      if (failed.totalTasks > 0) throw new Error(`${failed.totalTasks} bench tasks failed`);
      if (done.totalTasks >= tasks) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return performance.now() - started;
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await store.close?.();
  }
}

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function eventLatency() {
  const schema = fresh();
  const measure = async (publisher: { publish(t: string, p: unknown): Promise<void> }, subscriber: { subscribe(t: string, l: (p: unknown) => void): () => void }) => {
    const latencies: number[] = [];
    let resolveOne: (() => void) | undefined;
    subscriber.subscribe('bench.ping', (payload) => {
      latencies.push(performance.now() - (payload as { at: number }).at);
      resolveOne?.();
    });
    for (let i = 0; i < eventCount; i++) {
      const heard = new Promise<void>((resolve) => (resolveOne = resolve));
      await publisher.publish('bench.ping', { at: performance.now(), entityRef: `component:default/e${i % 50}` });
      await heard;
    }
    return latencies;
  };
  const memory = createEventBus();
  const inProcess = await measure(memory, memory);
  const a = createPgEventBus({ connectionString: pgUrl, schema });
  const b = createPgEventBus({ connectionString: pgUrl, schema });
  await Promise.all([a.start(), b.start()]);
  try {
    const shared = await measure(a, b);
    return { inProcess, shared };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pk-bench-horizontal-'));
try {
  writeGeneratedCatalog(dir, entities, 100);
  const locations = readdirSync(join(dir, 'files')).map((f) => ({ type: 'file', target: `./files/${f}` }));
  console.log(`catalog: ${entities} entities in ${locations.length} locations, one refresh`);
  const catalogMs: number[] = [];
  for (const n of [1, 2, 3]) {
    const ms = await catalogRound(n, dir, locations);
    catalogMs.push(ms);
    console.log(`  ${n} process(es): ${(ms / 1000).toFixed(2)} s, ${Math.round((entities / ms) * 1000)} entities/s, ${(catalogMs[0]! / ms).toFixed(2)}x one process`);
  }
  console.log(`task queue: ${tasks} tasks of ~20 ms`);
  const taskMs: number[] = [];
  for (const n of [1, 2, 3]) {
    const ms = await taskRound(n, dir);
    taskMs.push(ms);
    console.log(`  ${n} process(es): ${(ms / 1000).toFixed(2)} s, ${Math.round((tasks / ms) * 1000)} tasks/s, ${(taskMs[0]! / ms).toFixed(2)}x one process`);
  }
  const { inProcess, shared } = await eventLatency();
  console.log(`events: ${eventCount} publishes, latency to a subscriber`);
  console.log(`  in-process bus: p50 ${pct(inProcess, 50).toFixed(3)} ms, p95 ${pct(inProcess, 95).toFixed(3)} ms`);
  console.log(`  PostgreSQL bus, other bus on the database: p50 ${pct(shared, 50).toFixed(2)} ms, p95 ${pct(shared, 95).toFixed(2)} ms (goal: within 1 s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
