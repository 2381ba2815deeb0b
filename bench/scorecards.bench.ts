/*
 * @portalkit/scorecards: one scorecard of 10 checks (the 9 built-ins, which read owners, groups,
 * systems and dependencies, plus one custom) over N generated catalog entities, evaluated in
 * full, then incrementally after one change: a user joins a team, so the team's group entity
 * changes and every result that read it is recomputed. The baseline is the full evaluation in
 * the same run; the figure that matters is the ratio incremental / full.
 *
 *   npx tsx bench/scorecards.bench.ts [--quick]      (100k entities; --quick: 10k)
 * Goal: incremental after one change < 1% of a full evaluation.
 */
import { createEventBus } from '../packages/core/src/index.js';
import { createCatalog } from '../packages/catalog/src/index.js';
import type { Entity, EntityProviderConnection } from '../packages/catalog/src/index.js';
import { CATALOG_TOPICS, catalogEntityDeletedEvent, catalogEntityUpsertedEvent } from '../packages/catalog-model/src/index.js';
import { generateCatalogEntities } from '../packages/catalog/src/testing/generate.js';
import { builtinChecks, createCheck, createScorecards, defineScorecard } from '../packages/scorecards/src/index.js';

const quick = process.argv.includes('--quick');
const count = quick ? 10_000 : 100_000;

const events = createEventBus();
let connection: EntityProviderConnection | undefined;
const catalog = createCatalog({ events, providers: [{ name: 'bench', connect: (c) => void (connection = c) }] });
await catalog.refresh();
const ingestStart = performance.now();
await connection!.applyMutation({ type: 'full', entities: generateCatalogEntities(count) });
const ingestSeconds = (performance.now() - ingestStart) / 1000;

const [hasOwner, ownerHasMembers, hasTechDocs, hasDescription, depsInProduction, apiHasDefinition, hasSystem, hasTags, hasLinks] = builtinChecks();
const hasTitle = createCheck({
  id: 'has-title',
  title: 'Has a title',
  evaluate: (entity) => (entity.metadata.title ? { status: 'pass', message: 'has a title' } : { status: 'warn', message: 'metadata.title is missing' }),
});
const card = defineScorecard({
  id: 'bench',
  levels: [
    { id: 'bronze', checks: [hasOwner!, hasDescription!, hasTags!, hasTitle] },
    { id: 'silver', checks: [{ check: ownerHasMembers!, weight: 2 }, hasSystem!, apiHasDefinition!] },
    { id: 'gold', checks: [{ check: depsInProduction!, weight: 3 }, hasTechDocs!, hasLinks!] },
  ],
});
const scorecards = createScorecards({ catalog, scorecards: [card], catalogScorecards: false });

const fullStart = performance.now();
const full = await scorecards.evaluate();
const fullMs = performance.now() - fullStart;

// One change: a new user joins team-7. Collect what the catalog publishes, then apply it.
const upserted: Entity[] = [];
const deleted: string[] = [];
const offs = [
  events.subscribe(CATALOG_TOPICS.entityUpserted, (p) => void upserted.push(catalogEntityUpsertedEvent.parse(p).entity)),
  events.subscribe(CATALOG_TOPICS.entityDeleted, (p) => void deleted.push(catalogEntityDeletedEvent.parse(p).entityRef)),
];
await connection!.applyMutation({
  type: 'delta',
  added: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'bench-newcomer' }, spec: { memberOf: ['team-7'] } }],
  removed: [],
});
for (const off of offs) off();
const incStart = performance.now();
const incremental = await scorecards.applyChanges({ upserted, deleted });
const incMs = performance.now() - incStart;

const summary = await scorecards.getScorecardSummary('bench', { worst: 1 });
console.log(`scorecards: 10 checks, ${count} generated entities (catalog ingest ${ingestSeconds.toFixed(1)} s)`);
console.log(`  baseline     full evaluate()            ${(fullMs / 1000).toFixed(2)} s  (${full.evaluated} results, ${Math.round(full.evaluated / (fullMs / 1000))} results/s)`);
console.log(`  incremental  one user joins team-7      ${incMs.toFixed(1)} ms  (${upserted.length} changed entities -> ${incremental.evaluated} results recomputed)`);
console.log(`  ratio        incremental / full         ${(incMs / fullMs).toFixed(5)}  (${((incMs / fullMs) * 100).toFixed(3)} %)`);
console.log(`  levels       ${summary.levels.map((l) => `${l.id} ${l.count}`).join(', ')}, none ${summary.belowFirstLevel}; average ${summary.averagePercentage} %`);
console.log(`  goal         incremental < 1% of full: ${incMs / fullMs < 0.01 ? 'met' : 'MISSED'}`);
if (incremental.evaluated === 0 || incremental.evaluated >= full.evaluated) {
  console.error('incremental evaluation recomputed nothing or everything: the dependency tracking is broken');
  process.exitCode = 1;
}
