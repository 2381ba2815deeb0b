import { afterEach, describe, expect, it } from 'vitest';
import type { ScorecardResult, ScorecardStore } from '../types.js';

/**
 * Options of {@link runScorecardStoreContract}.
 * @example
 * ```ts
 * runScorecardStoreContract({ name: 'memory', create: async () => ({ store: memoryScorecardStore() }) });
 * ```
 */
export interface ScorecardStoreContractOptions {
  name: string;
  /**
   * A fresh, empty store per test. `reopen` (for persistent stores) closes nothing and returns a
   * new store over the same data, as after a restart; `close` runs after the test.
   */
  create: () => Promise<{ store: ScorecardStore; reopen?: () => Promise<ScorecardStore>; close?: () => Promise<void> }>;
}

const result = (entityRef: string, extra: Partial<ScorecardResult> = {}): ScorecardResult => ({
  scorecardId: 'readiness',
  entityRef,
  ownerRef: 'group:default/team-a',
  evaluatedAt: '2026-01-01T00:00:00.000Z',
  level: 'bronze',
  levelIndex: 0,
  percentage: 50,
  checks: [
    { checkId: 'has-owner', level: 'bronze', weight: 1, status: 'pass', message: 'owned by group:default/team-a' },
    { checkId: 'has-techdocs', level: 'silver', weight: 1, status: 'fail', message: 'annotation missing — «ü»' },
  ],
  dependencies: ['group:default/team-a'],
  ...extra,
});

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

/**
 * The behaviour every {@link ScorecardStore} must have. Call it from a test file; it declares a
 * vitest `describe` block with one `it` per rule. The restart case is skipped, saying why, for
 * stores without `reopen`.
 *
 * @example
 * ```ts
 * import { runScorecardStoreContract } from '@portalkit/scorecards/testing';
 * runScorecardStoreContract({ name: 'mine', create: async () => ({ store: myStore() }) });
 * ```
 */
export function runScorecardStoreContract({ name, create }: ScorecardStoreContractOptions): void {
  describe(`ScorecardStore contract: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    const open = async () => {
      const made = await create();
      cleanups.push(async () => {
        await made.store.close();
        await made.close?.();
      });
      return made;
    };
    afterEach(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    });

    it('stores the latest result per scorecard and entity, round-tripping every field', async () => {
      const { store } = await open();
      const r = result('component:default/a', { percentage: 66.7 });
      await store.write({ put: [r] });
      expect(await store.latest()).toEqual([r]);
      const newer = result('component:default/a', { evaluatedAt: at(5), percentage: 100, levelIndex: 1, level: 'silver', checks: [] });
      await store.write({ put: [newer] });
      expect(await store.latest()).toEqual([newer]);
      const noLevel = result('component:default/b', { level: undefined, levelIndex: -1, percentage: 0 });
      delete noLevel.level;
      const { ownerRef: _o, ...unowned } = result('component:default/c');
      await store.write({ put: [noLevel, unowned] });
      const all = await store.latest();
      expect(all.map((x) => x.entityRef)).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
      expect(all[1]).toEqual(noLevel);
      expect(all[2]).toEqual(unowned);
    });

    it('filters by scorecard, entity refs and owner, orders by ref or worst first, and limits', async () => {
      const { store } = await open();
      await store.write({
        put: [
          result('component:default/c', { levelIndex: 1, level: 'silver', percentage: 80 }),
          result('component:default/a', { levelIndex: 0, percentage: 60, ownerRef: 'group:default/team-b' }),
          result('component:default/b', { levelIndex: -1, level: undefined, percentage: 70 }),
          result('component:default/d', { levelIndex: 0, percentage: 40 }),
          result('component:default/a', { scorecardId: 'docs', percentage: 10 }),
        ],
      });
      const refs = (list: ScorecardResult[]) => list.map((r) => `${r.scorecardId}:${r.entityRef.split('/')[1]}`);
      expect(refs(await store.latest())).toEqual(['docs:a', 'readiness:a', 'readiness:b', 'readiness:c', 'readiness:d']);
      expect(refs(await store.latest({ scorecardId: 'readiness', order: 'worst' }))).toEqual(['readiness:b', 'readiness:d', 'readiness:a', 'readiness:c']);
      expect(refs(await store.latest({ scorecardId: 'readiness', order: 'worst', limit: 2 }))).toEqual(['readiness:b', 'readiness:d']);
      expect(refs(await store.latest({ entityRefs: ['component:default/a', 'component:default/zz'] }))).toEqual(['docs:a', 'readiness:a']);
      expect(refs(await store.latest({ ownerRef: 'group:default/team-b' }))).toEqual(['readiness:a']);
      expect(await store.latest({ entityRefs: [] })).toEqual([]);
      expect(await store.latest({ scorecardId: 'nope' })).toEqual([]);
    });

    it('appends history only when level, percentage or failing checks change, newest first', async () => {
      const { store } = await open();
      const ref = 'component:default/a';
      await store.write({ put: [result(ref, { evaluatedAt: at(1) })] });
      await store.write({ put: [result(ref, { evaluatedAt: at(2) })] }); // same outcome
      await store.write({ put: [result(ref, { evaluatedAt: at(3), percentage: 100, levelIndex: 1, level: 'silver', checks: [] })] });
      await store.write({
        put: [result(ref, { evaluatedAt: at(4), percentage: 100, levelIndex: 1, level: 'silver', checks: [{ checkId: 'x', level: 'silver', weight: 0, status: 'fail', message: '' }] })],
      });
      await store.write({ put: [result(ref, { scorecardId: 'docs', evaluatedAt: at(5) })] });
      const history = await store.history({ entityRef: ref });
      expect(history.map((h) => [h.scorecardId, h.timestamp, h.level, h.percentage, h.failingChecks])).toEqual([
        ['docs', at(5), 'bronze', 50, ['has-techdocs']],
        ['readiness', at(4), 'silver', 100, ['x']],
        ['readiness', at(3), 'silver', 100, []],
        ['readiness', at(1), 'bronze', 50, ['has-techdocs']],
      ]);
      expect((await store.history({ entityRef: ref, scorecardId: 'readiness', limit: 2 })).map((h) => h.timestamp)).toEqual([at(4), at(3)]);
      expect(history[3]).toEqual({
        scorecardId: 'readiness',
        entityRef: ref,
        timestamp: at(1),
        level: 'bronze',
        levelIndex: 0,
        percentage: 50,
        failingChecks: ['has-techdocs'],
      });
      expect(await store.history({ entityRef: 'component:default/other' })).toEqual([]);
    });

    it('removes results by entity or by scorecard and keeps their history', async () => {
      const { store } = await open();
      await store.write({ put: [result('component:default/a'), result('component:default/b'), result('component:default/a', { scorecardId: 'docs' })] });
      await store.write({ remove: [{ scorecardId: 'readiness', entityRef: 'component:default/a' }, { scorecardId: 'readiness', entityRef: 'component:default/none' }] });
      expect((await store.latest()).map((r) => `${r.scorecardId}:${r.entityRef}`)).toEqual(['docs:component:default/a', 'readiness:component:default/b']);
      await store.write({ remove: [{ scorecardId: 'readiness' }] });
      expect((await store.latest()).map((r) => r.scorecardId)).toEqual(['docs']);
      expect((await store.history({ entityRef: 'component:default/a' })).length).toBe(2);
      // A result put again after removal starts a new history point.
      await store.write({ put: [result('component:default/b', { evaluatedAt: at(9) })] });
      expect((await store.history({ entityRef: 'component:default/b' })).map((h) => h.timestamp)).toEqual([at(9), at(0)]);
    });

    it('applies removals before puts, and the last put of a key in one batch wins', async () => {
      const { store } = await open();
      await store.write({
        remove: [{ scorecardId: 'readiness' }],
        put: [result('component:default/a', { percentage: 10 }), result('component:default/a', { percentage: 20 })],
      });
      const latest = await store.latest();
      expect(latest.map((r) => r.percentage)).toEqual([20]);
      expect((await store.history({ entityRef: 'component:default/a' })).map((h) => h.percentage)).toEqual([20]);
    });

    it('writes large batches', async () => {
      const { store } = await open();
      const many = Array.from({ length: 2500 }, (_, i) => result(`component:default/c-${String(i).padStart(4, '0')}`, { percentage: i % 101 }));
      await store.write({ put: many });
      const latest = await store.latest({ scorecardId: 'readiness' });
      expect(latest.length).toBe(2500);
      expect(latest[2499]).toEqual(many[2499]);
      expect((await store.latest({ order: 'worst', limit: 3 })).map((r) => r.percentage)).toEqual([0, 0, 0]);
    });

    it('keeps results and history across a restart', async (ctx) => {
      const { store, reopen } = await open();
      if (!reopen) {
        ctx.skip(`${name} keeps nothing across restarts (no reopen)`);
        return;
      }
      await store.write({ put: [result('component:default/a', { evaluatedAt: at(1) })] });
      await store.write({ put: [result('component:default/a', { evaluatedAt: at(2), percentage: 100, levelIndex: 1, level: 'silver', checks: [] })] });
      await store.close();
      const again = await reopen();
      cleanups.push(() => again.close());
      expect((await again.latest()).map((r) => [r.entityRef, r.level, r.percentage])).toEqual([['component:default/a', 'silver', 100]]);
      expect((await again.history({ entityRef: 'component:default/a' })).map((h) => h.timestamp)).toEqual([at(2), at(1)]);
      // History keeps growing after the restart.
      await again.write({ put: [result('component:default/a', { evaluatedAt: at(3) })] });
      expect((await again.history({ entityRef: 'component:default/a' })).map((h) => h.timestamp)).toEqual([at(3), at(2), at(1)]);
    });
  });
}
