import { describe, expect, it } from 'vitest';
import type { Logger } from '@portalkit/core';
import { NotFoundError } from '@portalkit/core';
import { component, group, providerCatalog } from './__testkit__/catalog.js';
import { hasDescription, hasOwner } from './checks/index.js';
import { createDependencyIndex } from './dependency-index.js';
import { createEvaluationService } from './evaluation.js';
import { createPredicateCache } from './evaluator.js';
import { createScorecardRegistry } from './registry.js';
import { createResultRecorder } from './result-recorder.js';
import { defineScorecard } from './scorecard.js';
import { memoryScorecardStore } from './stores/memory.js';
import { compileScorecardTrust } from './trust.js';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const readiness = defineScorecard({
  id: 'readiness',
  appliesTo: { kind: 'Component' },
  levels: [{ id: 'bronze', checks: [hasOwner(), hasDescription()] }],
});

async function setup() {
  const { catalog, change } = await providerCatalog([group('team-a'), component('a', {}, { description: 'A' }), component('b')]);
  const store = memoryScorecardStore();
  const index = createDependencyIndex();
  const registry = createScorecardRegistry({
    catalog,
    scorecards: [readiness],
    checks: [],
    catalogScorecards: false,
    trust: compileScorecardTrust(undefined, 'test'),
    logger: () => logger,
  });
  const recorder = createResultRecorder({ store, index, logger: () => logger });
  const service = createEvaluationService({ catalog, registry, recorder, index, now: () => new Date(0), predicates: createPredicateCache(), catalogScorecards: false });
  return { service, store, change };
}

describe('createEvaluationService', () => {
  it('evaluates everything in scope, then drops the results of entities that are gone and of unknown scorecards', async () => {
    const { service, store, change } = await setup();
    await store.write({ put: [{ scorecardId: 'old-card', entityRef: 'component:default/a', evaluatedAt: '2026-01-01T00:00:00.000Z', levelIndex: -1, percentage: 0, checks: [], dependencies: [] }] });
    const first = await service.evaluate();
    expect(first).toEqual({ evaluated: 2, removed: 1, entityRefs: ['component:default/a', 'component:default/b'] });
    expect((await store.latest({ entityRefs: ['component:default/a'] }))[0]?.level).toBe('bronze');
    await change({ removed: ['component:default/b'] });
    expect(await service.evaluate()).toMatchObject({ evaluated: 1, removed: 1 });
  });

  it('applies changes: re-evaluates an upserted entity and drops the results of a deleted one', async () => {
    const { service, store, change } = await setup();
    await service.evaluate();
    await change({ removed: ['component:default/b'] });
    const summary = await service.applyChanges({ upserted: [component('a', {}, { description: 'A' })], deleted: ['component:b'] });
    expect(summary).toEqual({ evaluated: 1, removed: 1, entityRefs: ['component:default/a'] });
    expect((await store.latest()).map((r) => r.entityRef)).toEqual(['component:default/a']);
  });

  it('rejects an unknown scorecard or entity with NotFoundError', async () => {
    const { service } = await setup();
    await expect(service.evaluate({ scorecardId: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.evaluate({ entityRef: 'component:default/ghost' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await service.evaluate({ entityRef: 'component:a' })).toMatchObject({ evaluated: 1, entityRefs: ['component:default/a'] });
  });
});
