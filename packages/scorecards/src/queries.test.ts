import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '@portalkit/core';
import { hasDescription, hasOwner } from './checks/index.js';
import { createScorecardQueries } from './queries.js';
import type { ScorecardRegistry } from './registry.js';
import { defineScorecard } from './scorecard.js';
import { memoryScorecardStore } from './stores/memory.js';
import type { ScorecardResult } from './types.js';

const card = defineScorecard({
  id: 'readiness',
  title: 'Readiness',
  levels: [
    { id: 'bronze', checks: [hasOwner()] },
    { id: 'silver', checks: [{ check: hasDescription(), weight: 2 }] },
  ],
});
const registry = {
  ensureLoaded: async () => {},
  all: () => [card],
  byId: (id: string) => (id === card.id ? card : undefined),
  problems: () => [{ entityRef: 'scorecard:default/broken', message: 'unknown check' }],
} as unknown as ScorecardRegistry;
const result = (entityRef: string, levelIndex: number, percentage: number, ownerRef?: string): ScorecardResult => ({
  scorecardId: 'readiness',
  entityRef,
  ...(ownerRef ? { ownerRef } : {}),
  evaluatedAt: '2026-01-01T00:00:00.000Z',
  levelIndex,
  ...(levelIndex >= 0 ? { level: card.levels[levelIndex]!.id } : {}),
  percentage,
  checks: [],
  dependencies: [],
});

async function setup() {
  const store = memoryScorecardStore();
  await store.write({
    put: [result('component:default/a', 1, 100, 'group:default/team'), result('component:default/b', 0, 40), result('component:default/c', -1, 0)],
  });
  const catalog = { getEntityByRef: async (ref: string) => (ref === 'component:default/known' ? ({} as never) : undefined) };
  return createScorecardQueries({ catalog: catalog as never, registry, store });
}

describe('createScorecardQueries', () => {
  it('lists scorecards without check code, with the registry’s problems', async () => {
    const queries = await setup();
    const { scorecards, problems } = await queries.listScorecards();
    expect(scorecards[0]!.levels.map((l) => l.checks.map((c) => [c.id, c.weight]))).toEqual([[['has-owner', 1]], [['has-description', 2]]]);
    expect(JSON.stringify(scorecards)).not.toContain('evaluate');
    expect(problems).toHaveLength(1);
  });

  it('summarises a scorecard: counts per level, below the first, average, worst first', async () => {
    const queries = await setup();
    const summary = await queries.getScorecardSummary('readiness', { worst: 1 });
    expect(summary.total).toBe(3);
    expect(summary.levels.map((l) => l.count)).toEqual([1, 1]);
    expect(summary.belowFirstLevel).toBe(1);
    expect(summary.averagePercentage).toBe(46.7);
    expect(summary.worst.map((r) => r.entityRef)).toEqual(['component:default/c']);
    await expect(queries.getScorecardSummary('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers by entity and owner with canonical refs; an unknown entity is NotFoundError, a bad ref InputError', async () => {
    const queries = await setup();
    expect((await queries.getEntityResults('Component:a')).latest.map((r) => r.entityRef)).toEqual(['component:default/a']);
    expect(await queries.getEntityResults('component:default/known')).toEqual({ entityRef: 'component:default/known', latest: [], history: [] });
    await expect(queries.getEntityResults('component:default/ghost')).rejects.toBeInstanceOf(NotFoundError);
    await expect(queries.getEntityResults('')).rejects.toBeInstanceOf(InputError);
    expect((await queries.getOwnerResults('group:team')).results.map((r) => r.entityRef)).toEqual(['component:default/a']);
  });
});
