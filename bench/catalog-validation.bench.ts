/*
 * Entity validation throughput: portalkit's createEntityValidator against Backstage's own
 * ingestion checks (default EntityPolicies + kind validators, as catalog-backend runs them), on
 * the same 10k generated entities of every kind. Prints entities/s and the speed-up ratio.
 *
 *   npx tsx bench/catalog-validation.bench.ts [--quick]
 */
import { createBackstageValidator } from '../packages/catalog-model/src/__testkit__/backstage.js';
import { generateEntities } from '../packages/catalog-model/src/__testkit__/generateEntities.js';
import { createEntityValidator } from '../packages/catalog-model/src/index.js';

const quick = process.argv.includes('--quick');
const count = 10_000;
const rounds = quick ? 3 : 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

// Rounds alternate between the two contenders so background load on a shared machine hits
// both alike; medians and best rounds are reported.
async function compare(
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
): Promise<{ a: number[]; b: number[] }> {
  await a(); // warm-up: JIT, schema compilation, caches
  await b();
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    times.a.push(await time(a));
    times.b.push(await time(b));
  }
  return times;
}

const ours = createEntityValidator();
const backstage = createBackstageValidator();

console.log(`catalog-validation: ${count} entities, ${rounds} interleaved rounds (median / best)`);
const rows: Array<Record<string, string>> = [];
for (const [label, invalidRate] of [
  ['all valid', 0],
  ['30% mutated', 0.3],
] as const) {
  const entities = generateEntities({ count, seed: 7, invalidRate });
  let oursAccepted = 0;
  let backstageAccepted = 0;
  const times = await compare(
    () => {
      oursAccepted = 0;
      for (const entity of entities) if (ours.validate(entity).ok) oursAccepted++;
    },
    async () => {
      backstageAccepted = 0;
      for (const entity of entities) if ((await backstage(entity)).ok) backstageAccepted++;
    },
  );
  const oursMs = median(times.a);
  const backstageMs = median(times.b);
  const oursBest = Math.min(...times.a);
  const backstageBest = Math.min(...times.b);
  if (oursAccepted !== backstageAccepted) {
    throw new Error(`accept counts differ: portalkit ${oursAccepted}, backstage ${backstageAccepted}`);
  }
  rows.push({
    entities: label,
    accepted: String(oursAccepted),
    'backstage ms': `${backstageMs.toFixed(1)} / ${backstageBest.toFixed(1)}`,
    'portalkit ms': `${oursMs.toFixed(1)} / ${oursBest.toFixed(1)}`,
    'portalkit entities/s': Math.round((count / oursMs) * 1000).toLocaleString('en-US'),
    ratio: `${(backstageMs / oursMs).toFixed(2)}x (best ${(backstageBest / oursBest).toFixed(2)}x) faster`,
  });
}
console.table(rows);
