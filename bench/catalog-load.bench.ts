/*
 * Catalog HTTP under load: 50 concurrent loopback clients for a bounded time, 80% reads
 * (by name, by query) and 20% writes (an entity provider upserting components), against a
 * catalog of 2,000 generated entities in the memory store. Reports p50/p95/p99 per operation,
 * throughput and error rate. The baseline, measured first in the same run at the same
 * concurrency, is a trivial route on the same server, so the ratios say what the catalog costs
 * on top of HTTP and JSON.
 *
 * Reads go through the catalog's REST handler (`catalog.handler`), writes through an entity
 * provider behind a small route of the bench's own.
 *
 *   npx tsx bench/catalog-load.bench.ts [--quick] [--duration <seconds>]   (30 s; --quick 5 s)
 * Listens on 127.0.0.1 only and stops by itself.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter, mountHandlers, readJsonBody, toNodeHandler } from '../packages/core/src/index.js';
import { createCatalog, type Entity, type EntityProviderConnection } from '../packages/catalog/src/index.js';
import { generateCatalogEntities } from '../packages/catalog/src/testing/generate.js';

const args = process.argv.slice(2);
const durationArg = args.indexOf('--duration');
const seconds = durationArg >= 0 ? Number(args[durationArg + 1]) : args.includes('--quick') ? 5 : 30;
if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error('--duration must be between 0 and 600 seconds');
const clients = 50;
const P99_BOUND_MS = 1000;
const baselineSeconds = Math.max(1, Math.min(5, seconds / 6));

// ---- the catalog and its routes -----------------------------------------------------------
let connection!: EntityProviderConnection;
const catalog = createCatalog({ providers: [{ name: 'load', connect: (c) => void (connection = c) }] });
await catalog.refresh();
const seed = generateCatalogEntities(2_000);
await connection.applyMutation({ type: 'full', entities: seed });
const components = seed.filter((e) => e.kind === 'Component').map((e) => e.metadata.name);
const byName = (name: string) => `/entities/by-name/component/default/${encodeURIComponent(name)}`;

const writes = createRouter({ basePath: '/api/load' })
  .get('/ping', () => Response.json({ ok: true }))
  .post('/entities', async (req) => {
    const entity = (await readJsonBody(req)) as Entity;
    await connection.applyMutation({ type: 'delta', added: [entity], removed: [] });
    return new Response(null, { status: 204 });
  });
// Reads go through the catalog's own Backstage-compatible handler; writes through a provider.
const handler = mountHandlers([
  { basePath: '/api/catalog', handler: catalog.handler({ basePath: '/api/catalog' }) },
  { basePath: '/api/load', handler: writes.handler },
]);
console.log(`reads through catalog.handler(); ${seed.length} entities`);

const server = createServer(toNodeHandler(handler));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// ---- load ---------------------------------------------------------------------------------
type Op = 'ping' | 'read:by-name' | 'read:by-query' | 'write:upsert';
interface Stats {
  latencies: number[];
  errors: number;
}
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
let written = 0;

async function once(op: Op): Promise<boolean> {
  let response: Response;
  if (op === 'ping') response = await fetch(`${origin}/api/load/ping`);
  else if (op === 'read:by-name') response = await fetch(`${origin}/api/catalog${byName(pick(components))}`);
  else if (op === 'read:by-query') response = await fetch(`${origin}/api/catalog/entities/by-query?filter=kind=component&limit=20`);
  else {
    const name = `load-${written++ % 500}`;
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, annotations: { 'example.com/written': String(written) } },
      spec: { type: 'service', lifecycle: 'production', owner: 'group:default/load' },
    };
    response = await fetch(`${origin}/api/load/entities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entity) });
  }
  await response.arrayBuffer();
  return response.ok;
}

async function phase(ms: number, choose: () => Op): Promise<Map<Op, Stats>> {
  const stats = new Map<Op, Stats>();
  const deadline = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const op = choose();
        let s = stats.get(op);
        if (!s) stats.set(op, (s = { latencies: [], errors: 0 }));
        const started = performance.now();
        const ok = await once(op).catch(() => false);
        s.latencies.push(performance.now() - started);
        if (!ok) s.errors++;
      }
    }),
  );
  return stats;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
function summary(stats: Stats) {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), errorRate: stats.errors / Math.max(1, sorted.length) };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

try {
  console.log(`baseline: ${clients} clients on a trivial route for ${baselineSeconds} s`);
  const base = summary((await phase(baselineSeconds * 1000, () => 'ping')).get('ping')!);
  console.log(`load: ${clients} clients, 80% reads / 20% writes, for ${seconds} s`);
  const started = performance.now();
  const load = await phase(seconds * 1000, () => {
    const r = Math.random();
    return r < 0.6 ? 'read:by-name' : r < 0.8 ? 'read:by-query' : 'write:upsert';
  });
  const elapsed = (performance.now() - started) / 1000;
  const rows = [['ping (baseline)', base] as const, ...[...load.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, s]) => [op, summary(s)] as const)];
  const all = summary({ latencies: [...load.values()].flatMap((s) => s.latencies), errors: [...load.values()].reduce((n, s) => n + s.errors, 0) });
  console.table(
    Object.fromEntries(
      [...rows, ['all catalog requests', all] as const].map(([name, s]) => [
        name,
        { requests: s.count, p50: ms(s.p50), p95: ms(s.p95), p99: ms(s.p99), 'p50 / baseline': (s.p50 / base.p50).toFixed(1), 'error rate': `${(s.errorRate * 100).toFixed(2)}%` },
      ]),
    ),
  );
  console.log(`throughput: ${(all.count / elapsed).toFixed(0)} requests/s (baseline ${(base.count / baselineSeconds).toFixed(0)} requests/s)`);
  // The stated bounds: no failed request, and p99 under a second for 50 clients on 2 cores.
  const within = all.errorRate === 0 && all.p99 < P99_BOUND_MS;
  console.log(`bounds: error rate 0% and p99 < ${P99_BOUND_MS} ms -> ${within ? 'within' : 'EXCEEDED'} (p99 ${ms(all.p99)}, errors ${(all.errorRate * 100).toFixed(2)}%)`);
  if (!within) process.exitCode = 1;
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
