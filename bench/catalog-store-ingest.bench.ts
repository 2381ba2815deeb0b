/*
 * Catalog ingest per store: N generated entities (YAML files, one Location with a glob) are
 * ingested through the catalog engine into the memory store (the baseline of every run), PGlite
 * and PostgreSQL; then a full refresh over the unchanged files measures the re-run (the
 * unchanged-hash skip). Each store runs in its own Node process.
 *
 *   npx tsx bench/catalog-store-ingest.bench.ts [--quick] [--stores memory,pglite,postgres]
 *       [--rounds 3] [--baseline-dir /path/to/other/checkout]
 *   (100k entities; --quick: 10k)
 *
 * With --baseline-dir, every round also runs the same measurement against that checkout's
 * packages (e.g. a worktree at the commit before a change, installed and built), the two trees
 * alternating round by round, and the report gives medians and after / before ratios.
 * Goal (100k): PostgreSQL ingest >= 3,000 entities/s, median of the rounds.
 *
 * PostgreSQL: PORTALKIT_PG_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway
 * schema is created and dropped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeGeneratedCatalog } from './generated-catalog.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const count = quick ? 10_000 : 100_000;
const perFile = 100;
const pgUrl = process.env.PORTALKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Measured {
  ingest: number;
  rerun: number;
  stored: number;
}

/** Child mode: ingest into one store using the packages of `codeDir`, print one JSON line. */
async function child(store: string, codeDir: string): Promise<void> {
  const catalogPkg = (await import(pathToFileURL(join(codeDir, 'packages/catalog/src/index.ts')).href)) as typeof import('../packages/catalog/src/index.js');
  const { builtinKinds, createCatalog, memoryStore, pgliteStore, postgresStore } = catalogPkg;
  const dir = mkdtempSync(join(tmpdir(), 'pk-store-ingest-'));
  const schema = `pk_bench_${Math.random().toString(36).slice(2, 10)}`;
  let close = async () => {};
  try {
    writeGeneratedCatalog(dir, count, perFile);
    let s: import('../packages/catalog/src/index.js').CatalogStore;
    if (store === 'memory') s = memoryStore();
    else if (store === 'pglite') {
      const p = pgliteStore({ dataDir: join(dir, 'pglite') });
      close = () => p.close();
      await p.ready();
      s = p;
    } else {
      const p = postgresStore({ connectionString: pgUrl, schema });
      close = async () => {
        await p.close();
        // pg is the catalog package's dependency: load the very copy it uses.
        const pg = createRequire(join(codeDir, 'packages/catalog/package.json'))('pg') as typeof import('pg');
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      };
      await p.ready();
      s = p;
    }
    const catalog = createCatalog({ rootDir: dir, store: s, rules: [{ allow: builtinKinds.map((k) => k.kind) }] });
    let t = performance.now();
    await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
    const ingest = (performance.now() - t) / 1000;
    t = performance.now();
    await catalog.refresh();
    const rerun = (performance.now() - t) / 1000;
    const { totalItems } = await catalog.query({ limit: 1 });
    const errors = await catalog.getProcessingErrors();
    if (errors.length || totalItems !== count + 2) throw new Error(`${store}: stored ${totalItems} (want ${count + 2}), ${errors.length} with errors`);
    console.log(JSON.stringify({ ingest, rerun, stored: totalItems } satisfies Measured));
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(store: string, codeDir: string): Measured & { load: number } {
  const load = loadavg()[0]!;
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', store, '--code-dir', codeDir, ...(quick ? ['--quick'] : [])], {
    cwd: here,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`${store} in ${codeDir} failed (exit ${result.status}): ${result.stdout.slice(-500)}`);
  return { ...(JSON.parse(line) as Measured), load };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const stores = (option('--stores') ?? 'memory,pglite,postgres').split(',');
  const rounds = Number(option('--rounds') ?? 1);
  const baselineDir = option('--baseline-dir');
  const trees = baselineDir ? [{ name: 'after', dir: here }, { name: 'before', dir: resolve(baselineDir) }] : [{ name: 'this', dir: here }];
  const results = new Map<string, (Measured & { load: number })[]>();
  console.log(`catalog store ingest: ${count} generated entities, ${rounds} round(s), trees: ${trees.map((t) => `${t.name}=${t.dir}`).join(', ')}`);
  for (let round = 0; round < rounds; round++) {
    // Alternate which tree goes first, so neither always runs on the warmer (or busier) machine.
    const order = round % 2 ? [...trees].reverse() : trees;
    for (const store of stores) {
      for (const tree of order) {
        const m = runChild(store, tree.dir);
        const key = `${store} ${tree.name}`;
        results.set(key, [...(results.get(key) ?? []), m]);
        console.log(
          `  round ${round + 1} ${key.padEnd(16)} ingest ${m.ingest.toFixed(2)} s (${Math.round(count / m.ingest)} entities/s), unchanged re-run ${m.rerun.toFixed(2)} s, load ${m.load.toFixed(1)}`,
        );
      }
    }
  }
  console.log('medians:');
  for (const store of stores) {
    for (const tree of trees) {
      const runs = results.get(`${store} ${tree.name}`) ?? [];
      const ingest = median(runs.map((r) => r.ingest));
      const rerun = median(runs.map((r) => r.rerun));
      const mem = results.get(`memory ${tree.name}`);
      const vsMemory = mem && store !== 'memory' ? `, ${(ingest / median(mem.map((r) => r.ingest))).toFixed(2)}x memory` : '';
      const before = tree.name === 'after' ? results.get(`${store} before`) : undefined;
      const vsBefore = before
        ? `; after/before ingest ${(ingest / median(before.map((r) => r.ingest))).toFixed(2)}, re-run ${(rerun / median(before.map((r) => r.rerun))).toFixed(2)}`
        : '';
      console.log(
        `  ${`${store} ${tree.name}`.padEnd(16)} ingest ${ingest.toFixed(2)} s (${Math.round(count / ingest)} entities/s${vsMemory}), re-run ${rerun.toFixed(2)} s${vsBefore}`,
      );
    }
  }
  const pg = results.get(`postgres ${trees[0]!.name}`);
  if (pg) {
    const rate = count / median(pg.map((r) => r.ingest));
    console.log(`  goal      postgres ingest >= 3000 entities/s at ${count}: ${rate >= 3000 ? 'met' : 'MISSED'} (${Math.round(rate)}/s)`);
  }
}

if (args.includes('--child')) await child(option('--child')!, option('--code-dir') ?? here);
else await main();
