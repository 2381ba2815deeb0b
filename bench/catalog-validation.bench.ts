/*
 * Entity validation throughput: portalkit's createEntityValidator against Backstage's own
 * ingestion checks (default EntityPolicies + kind validators, as catalog-backend runs them), on
 * the same 10k generated entities of every kind. Prints entities/s and the speed-up ratio.
 *
 *   npx tsx bench/catalog-validation.bench.ts [--quick]
 */
import { createBackstageValidator } from '../packages/catalog/src/model/__testkit__/backstage.js';
import { generateEntities } from '../packages/catalog/src/model/__testkit__/generateEntities.js';
import { createEntityValidator } from '../packages/catalog/src/model/index.js';

const quick = process.argv.includes('--quick');
const count = 10_000;
const rounds = quick ? 3 : 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(run: () => Promise<number> | number): Promise<number> {
  await run(); // warm-up: JIT, schema compilation, caches
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const ours = createEntityValidator();
const backstage = createBackstageValidator();

console.log(`catalog-validation: ${count} entities, median of ${rounds} rounds`);
const rows: Array<Record<string, string>> = [];
for (const [label, invalidRate] of [
  ['all valid', 0],
  ['30% mutated', 0.3],
] as const) {
  const entities = generateEntities({ count, seed: 7, invalidRate });
  let oursAccepted = 0;
  let backstageAccepted = 0;
  const oursMs = await measure(() => {
    oursAccepted = 0;
    for (const entity of entities) if (ours.validate(entity).ok) oursAccepted++;
    return oursAccepted;
  });
  const backstageMs = await measure(async () => {
    backstageAccepted = 0;
    for (const entity of entities) if ((await backstage(entity)).ok) backstageAccepted++;
    return backstageAccepted;
  });
  if (oursAccepted !== backstageAccepted) {
    throw new Error(`accept counts differ: portalkit ${oursAccepted}, backstage ${backstageAccepted}`);
  }
  rows.push({
    entities: label,
    accepted: String(oursAccepted),
    'backstage ms': backstageMs.toFixed(1),
    'portalkit ms': oursMs.toFixed(1),
    'portalkit entities/s': Math.round((count / oursMs) * 1000).toLocaleString('en-US'),
    ratio: `${(backstageMs / oursMs).toFixed(2)}x faster`,
  });
}
console.table(rows);
