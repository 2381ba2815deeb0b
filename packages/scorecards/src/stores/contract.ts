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

    writeAndQueryCases(open);
    refusalCases(open);

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

type Open = () => ReturnType<ScorecardStoreContractOptions['create']>;

/** Writes, queries, history and removals. */
function writeAndQueryCases(open: Open): void {
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

}

/** Bad values refused per result, and values at the edges stored intact. */
function refusalCases(open: Open): void {
  it('refuses a NaN or infinite percentage in one result with an InputError, and writes the rest of the batch', async () => {
    const { store } = await open();
    await store.write({ put: [result('component:default/b', { percentage: 10 })] });
    const report = await store.write({
      put: [
        result('component:default/a'),
        result('component:default/b', { percentage: Number.NaN }),
        result('component:default/c', { percentage: Number.POSITIVE_INFINITY }),
        result('component:default/d', { checks: [{ checkId: 'x', level: 'bronze', weight: Number.NaN, status: 'pass', message: '' }] }),
        result('component:default/e'),
      ],
    });
    expect(report?.rejected.map((r) => [r.entityRef, r.error.name])).toEqual([
      ['component:default/b', 'InputError'],
      ['component:default/c', 'InputError'],
      ['component:default/d', 'InputError'],
    ]);
    expect(report?.rejected[0]!.error.message).toMatch(/readiness.*component:default\/b.*percentage must be a finite number from 0 to 100, got NaN/);
    // The refused put left the stored result (and its history) as it was.
    expect((await store.latest()).map((r) => [r.entityRef, r.percentage])).toEqual([
      ['component:default/a', 50],
      ['component:default/b', 10],
      ['component:default/e', 50],
    ]);
    expect((await store.history({ entityRef: 'component:default/b' })).map((h) => h.percentage)).toEqual([10]);
    expect(await store.history({ entityRef: 'component:default/c' })).toEqual([]);
    expect((await store.write({ put: [result('component:default/f')] }))?.rejected).toEqual([]);
  });

  it('refuses NUL and lone surrogates in refs: per result on write, with an InputError on queries', async () => {
    const { store } = await open();
    const report = await store.write({
      put: [
        result('component:default/a\u0000b'),
        result('component:default/\ud800'),
        result('component:default/ok', { ownerRef: 'group:default/\udc00x' }),
        result('component:default/ok2', { scorecardId: 'ready\u0000' }),
        result('component:default/fine'),
      ],
      remove: [{ scorecardId: 'readiness', entityRef: 'component:default/\u0000' }, { scorecardId: '\u0000' }],
    });
    expect(report?.rejected.map((r) => r.error.name)).toEqual(['InputError', 'InputError', 'InputError', 'InputError']);
    expect((await store.latest()).map((r) => r.entityRef)).toEqual(['component:default/fine']);
    const bad = ['component:default/a\u0000b', 'component:default/\ud800x', '\udfff'];
    for (const ref of bad) {
      await expect(store.latest({ entityRefs: [ref] })).rejects.toMatchObject({ name: 'InputError' });
      await expect(store.latest({ ownerRef: ref })).rejects.toMatchObject({ name: 'InputError' });
      await expect(store.latest({ scorecardId: ref })).rejects.toMatchObject({ name: 'InputError' });
      await expect(store.history({ entityRef: ref })).rejects.toMatchObject({ name: 'InputError' });
      await expect(store.history({ entityRef: 'component:default/fine', scorecardId: ref })).rejects.toMatchObject({ name: 'InputError' });
    }
    await expect(store.latest({ limit: Number.NaN })).rejects.toMatchObject({ name: 'InputError' });
    // Free text may hold anything storable, including characters outside the BMP.
    expect((await store.latest({ entityRefs: ['component:default/fine'] }))[0]!.checks[1]!.message).toBe('annotation missing — «ü»');
  });

  it('stores refs of 10,000 characters (no index overflows) and keeps the other rows intact', async () => {
    const { store } = await open();
    // Not compressible, so an index on the text could not squeeze it under its row limit.
    let seed = 7;
    const noise = (n: number) =>
      Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) % 36]).join('');
    const longRef = `component:default/${noise(10_000)}`;
    const longOwner = `group:default/${noise(10_000)}`;
    const longCard = `card-${noise(10_000)}`;
    const others = [result('component:default/a'), result('component:default/z', { percentage: 90 })];
    await store.write({ put: others });
    const report = await store.write({
      put: [
        result(longRef, { ownerRef: longOwner, evaluatedAt: at(1) }),
        result(longRef, { scorecardId: longCard, evaluatedAt: at(1) }),
        result('component:default/m', { ownerRef: longOwner }),
      ],
    });
    expect(report?.rejected ?? []).toEqual([]);
    await store.write({ put: [result(longRef, { ownerRef: longOwner, evaluatedAt: at(2), percentage: 75 })] });
    expect((await store.latest({ entityRefs: [longRef] })).map((r) => [r.scorecardId.length, r.percentage])).toEqual([
      [longCard.length, 50],
      ['readiness'.length, 75],
    ]);
    expect((await store.latest({ ownerRef: longOwner })).map((r) => r.entityRef)).toEqual([longRef, 'component:default/m'].sort());
    expect((await store.latest({ scorecardId: longCard })).map((r) => r.entityRef)).toEqual([longRef]);
    expect((await store.history({ entityRef: longRef, scorecardId: 'readiness' })).map((h) => h.percentage)).toEqual([75, 50]);
    expect(await store.latest({ entityRefs: ['component:default/a', 'component:default/z'] })).toEqual(others);
    await store.write({ remove: [{ scorecardId: 'readiness', entityRef: longRef }, { scorecardId: longCard }] });
    expect(await store.latest({ entityRefs: [longRef] })).toEqual([]);
    expect((await store.latest()).map((r) => r.entityRef)).toEqual(['component:default/a', 'component:default/m', 'component:default/z']);
  });

}
