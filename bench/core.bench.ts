/*
 * @portalkit/core hot paths against baselines measured in the same run:
 *  - router dispatch (50 routes, matching the last one) and portal mounting, against a plain
 *    function handler doing the same work;
 *  - parseYamlDocuments (document split, line numbers, alias-bomb guard) against bare js-yaml
 *    loadAll on the same 1,000-document file.
 * Prints time per operation and the ratio to the baseline (lower is better, 1.00x = no overhead).
 *
 *   npx tsx bench/core.bench.ts [--quick]
 */
import { createRequire } from 'node:module';
import { createRouter, mountHandlers, parseYamlDocuments, type Handler } from '../packages/core/src/index.js';

// js-yaml is core's dependency, not the workspace root's: load the very copy core uses.
const { CORE_SCHEMA, loadAll } = createRequire(new URL('../packages/core/package.json', import.meta.url))(
  'js-yaml',
) as typeof import('js-yaml');

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Median time per call in microseconds for each case. Rounds are interleaved (a, b, c, a, b, c,
 * ...) so warm-up, GC and CPU frequency drift affect every case alike, not whichever runs first.
 */
async function measure(iterations: number, cases: Array<(i: number) => unknown>): Promise<number[]> {
  for (const fn of cases) for (let i = 0; i < Math.min(iterations, 1000); i++) await fn(i); // warm-up
  const times: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = (r + k) % cases.length; // rotate which case runs first in a round
      const fn = cases[c]!;
      const start = performance.now();
      for (let i = 0; i < iterations; i++) await fn(i);
      times[c]!.push(((performance.now() - start) * 1000) / iterations);
    }
  }
  return times.map(median);
}

const rows: Array<{ case: string; 'µs/op': string; ratio: string }> = [];
const report = (name: string, micros: number, baseline: number) =>
  rows.push({ case: name, 'µs/op': micros.toFixed(2), ratio: `${(micros / baseline).toFixed(2)}x` });

// --- HTTP dispatch -------------------------------------------------------------------------
const httpIterations = quick ? 5_000 : 30_000;
const requests = Array.from(
  { length: 100 },
  (_, i) => new Request(`http://localhost/api/catalog/entities/by-name/component/default/service-${i}`),
);
const plain: Handler = async (request) => {
  // The baseline does the parsing a hand-written handler would: split the path, pick the name.
  const name = new URL(request.url).pathname.split('/').pop() ?? '';
  return new Response(name);
};
const router = createRouter({ basePath: '/api/catalog' });
for (let i = 0; i < 49; i++) router.get(`/resource-${i}/:id`, () => new Response('other'));
router.get('/entities/by-name/:kind/:namespace/:name', (_req, { params }) => new Response(params.name));
const mounted = mountHandlers([
  { basePath: '/api/scaffolder', handler: plain },
  { basePath: '/api/techdocs', handler: plain },
  { basePath: '/api/search', handler: plain },
  { basePath: '/api/catalog', handler: router.handler },
  { basePath: '/', handler: plain },
]);

const consume = async (handler: Handler, i: number) => {
  const response = await handler(requests[i % requests.length]!);
  await response.text();
};
const [baseline, routed, composed] = await measure(httpIterations, [
  (i) => consume(plain, i),
  (i) => consume(router.handler, i),
  (i) => consume(mounted, i),
]);
report('plain handler (baseline)', baseline!, baseline!);
report('router, 50 routes, last matches', routed!, baseline!);
report('mountHandlers(5) + router', composed!, baseline!);

// --- YAML ----------------------------------------------------------------------------------
const yamlIterations = quick ? 5 : 20;
const text = Array.from(
  { length: 1000 },
  (_, i) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: service-${i}\n  tags: [a, b, c]\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${i % 10}\n  dependsOn:\n    - component:service-${(i + 1) % 1000}\n`,
).join('---\n');
const [yamlBaseline, parsed] = await measure(yamlIterations, [
  () => loadAll(text, null, { schema: CORE_SCHEMA }),
  () => parseYamlDocuments(text, { file: 'x.yaml' }),
]);
report('js-yaml loadAll, 1000 docs (baseline)', yamlBaseline!, yamlBaseline!);
report('parseYamlDocuments, 1000 docs', parsed!, yamlBaseline!);

console.log(`core: median of ${rounds} rounds${quick ? ' (--quick)' : ''}`);
console.table(rows);
