import { describe, expect, it, vi } from 'vitest';
import { InputError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { createDependencyIndex } from './dependency-index.js';
import type { EntityEvaluation } from './evaluator.js';
import { createResultRecorder } from './result-recorder.js';
import { memoryScorecardStore } from './stores/memory.js';
import type { Scorecard, ScorecardResult } from './types.js';

const result = (scorecardId: string, entityRef: string): ScorecardResult => ({
  scorecardId,
  entityRef,
  evaluatedAt: '2026-01-01T00:00:00.000Z',
  levelIndex: -1,
  percentage: 0,
  checks: [],
  dependencies: [],
});
const evaluation = (entityRef: string, scorecardIds: string[], notApplicable: string[] = []): EntityEvaluation => ({
  entityRef,
  results: scorecardIds.map((id) => ({ result: result(id, entityRef), dependencies: { refs: new Set<string>(), filters: [] } })),
  notApplicable,
});
const card = (id: string) => ({ id }) as Scorecard;
const logger = (): Logger => {
  const l: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => l };
  return l;
};

describe('createResultRecorder', () => {
  it('stores results, and removes (and counts) only results the store holds', async () => {
    const store = memoryScorecardStore();
    const recorder = createResultRecorder({ store, index: createDependencyIndex(), logger });
    expect(await recorder.record([evaluation('component:default/a', ['r']), evaluation('component:default/b', ['r'])])).toEqual({ evaluated: 2, removed: 0, rejected: [] });
    const r = await recorder.record([evaluation('component:default/a', [], ['r'])], [{ scorecardId: 'r', entityRef: 'component:default/ghost' }]);
    expect(r).toEqual({ evaluated: 0, removed: 1, rejected: [] });
    expect((await store.latest()).map((x) => x.entityRef)).toEqual(['component:default/b']);
    expect([...recorder.storedRefs('r')]).toEqual(['component:default/b']);
  });

  it('reports and forgets a result the store refuses, keeping its neighbours', async () => {
    const store = memoryScorecardStore();
    const write = store.write.bind(store);
    store.write = async (batch) => {
      await write({ ...batch, put: batch.put?.filter((p) => p.entityRef !== 'component:default/bad') });
      return { rejected: [{ scorecardId: 'r', entityRef: 'component:default/bad', error: new InputError('too large') }] };
    };
    const log = logger();
    const recorder = createResultRecorder({ store, index: createDependencyIndex(), logger: () => log });
    const r = await recorder.record([evaluation('component:default/ok', ['r']), evaluation('component:default/bad', ['r'])]);
    expect(r).toEqual({ evaluated: 1, removed: 0, rejected: [{ scorecardId: 'r', entityRef: 'component:default/bad', message: 'too large' }] });
    expect([...recorder.storedRefs('r')]).toEqual(['component:default/ok']);
    expect(log.warn).toHaveBeenCalledWith('scorecards: the store refused a result', expect.objectContaining({ entityRef: 'component:default/bad' }));
  });

  it('loads what the store holds, counting results of unknown scorecards when loading everything', async () => {
    const store = memoryScorecardStore();
    await store.write({ put: [result('r', 'component:default/a'), result('gone', 'component:default/a'), result('gone', 'component:default/b')] });
    const recorder = createResultRecorder({ store, index: createDependencyIndex(), logger });
    expect(await recorder.loadStored([card('r')], false)).toEqual(new Map());
    expect([...recorder.storedRefs('r')]).toEqual(['component:default/a']);
    expect(await recorder.loadStored([card('r')], true)).toEqual(new Map([['gone', 2]]));
    await recorder.removeUnknown(['gone']);
    await recorder.dropScorecard(card('r'));
    expect(await store.latest()).toEqual([]);
    expect([...recorder.storedRefs('r')]).toEqual([]);
  });
});
