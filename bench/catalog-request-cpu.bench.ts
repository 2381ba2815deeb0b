/*
 * CPU time per catalog request through `catalog.handler()`, in-process (no sockets): one
 * `GET /entities/by-name/...` plus one `POST /entities/by-query` per pair, over 2,000 generated
 * entities in the memory store. CPU time (process.cpuUsage) rather than wall time, so a busy
 * machine skews it less. Give another checkout's root to measure that code with the same
 * script, and alternate the two for a same-run comparison:
 *
 *   npx tsx bench/catalog-request-cpu.bench.ts [root]   (default: this checkout)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Catalog {
  refresh(): Promise<void>;
  handler(options: { basePath: string }): (request: Request) => Promise<Response>;
}
interface Connection {
  applyMutation(mutation: { type: 'full'; entities: unknown[] }): Promise<void>;
}

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const { createCatalog } = (await import(path.join(root, 'packages/catalog/src/index.ts'))) as {
  createCatalog(options: { providers: Array<{ name: string; connect(c: Connection): void }> }): Catalog;
};
const { generateCatalogEntities } = (await import(path.join(root, 'packages/catalog/src/testing/generate.ts'))) as {
  generateCatalogEntities(count: number): Array<{ kind: string; metadata: { name: string } }>;
};

let connection: Connection | undefined;
const catalog = createCatalog({ providers: [{ name: 'bench', connect: (c) => void (connection = c) }] });
await catalog.refresh();
const seed = generateCatalogEntities(2000);
await connection!.applyMutation({ type: 'full', entities: seed });
const names = seed.filter((e) => e.kind === 'Component').map((e) => e.metadata.name);
const handler = catalog.handler({ basePath: '/api/catalog' });
const json = { 'content-type': 'application/json' };

async function pairs(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length]!;
    const byName = await handler(new Request(`http://x/api/catalog/entities/by-name/component/default/${encodeURIComponent(name)}`));
    if (byName.status !== 200) throw new Error(`by-name answered ${byName.status}`);
    await byName.arrayBuffer();
    const body = JSON.stringify({ query: { kind: 'component', 'metadata.name': name }, limit: 5 });
    const byQuery = await handler(new Request('http://x/api/catalog/entities/by-query', { method: 'POST', headers: json, body }));
    if (byQuery.status !== 200) throw new Error(`by-query answered ${byQuery.status}`);
    await byQuery.arrayBuffer();
  }
}

await pairs(2000); // warm-up: JIT and caches
const count = 10_000;
const start = process.cpuUsage();
await pairs(count);
const used = process.cpuUsage(start);
console.log(JSON.stringify({ root, pairs: count, cpuMicrosPerPair: Math.round(((used.user + used.system) / count) * 10) / 10 }));
