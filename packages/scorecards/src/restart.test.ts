import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { component, group, providerCatalog, user } from './__testkit__/catalog.js';
import { hasOwner, ownerHasMembers } from './checks/index.js';
import { defineScorecard } from './scorecard.js';
import { createScorecards } from './create-scorecards.js';
import { memoryScorecardStore } from './stores/memory.js';
import { pgliteScorecardStore } from './stores/pglite.js';

const card = defineScorecard({
  id: 'staffed',
  appliesTo: { kind: 'Component' },
  levels: [
    { id: 'bronze', checks: [hasOwner()] },
    { id: 'silver', checks: [ownerHasMembers({ min: 2 })] },
  ],
});

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('scorecards across a restart', () => {
  it('keeps history in PGlite and resumes incremental evaluation from the stored dependencies', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-scorecards-restart-'));
    dirs.push(dataDir);
    const { catalog, events, change } = await providerCatalog([group('team-a'), user('ann', ['team-a']), component('svc'), component('other', { owner: 'team-b' }), group('team-b')]);

    const first = createScorecards({ catalog, events, scorecards: [card], catalogScorecards: false, store: pgliteScorecardStore({ dataDir }) });
    await first.start();
    expect((await first.getEntityResults('component:default/svc')).latest[0]!.level).toBe('bronze');
    await first.stop();

    // A new process: same data directory, no full evaluation on start.
    const second = createScorecards({
      catalog,
      events,
      scorecards: [card],
      catalogScorecards: false,
      store: pgliteScorecardStore({ dataDir }),
      evaluateOnStart: false,
    });
    await second.start();
    const before = await second.getEntityResults('component:default/svc');
    expect(before.latest[0]!.level).toBe('bronze');
    expect(before.history).toHaveLength(1);

    await change({ added: [user('bob', ['team-a'])] });
    await second.idle();
    const after = await second.getEntityResults('component:default/svc');
    expect(after.latest[0]!.level).toBe('silver');
    expect(after.history.map((h) => h.level)).toEqual(['silver', 'bronze']);
    // `other` read team-b only, so it was not recomputed: its result is the first process's.
    const other = (await second.getEntityResults('component:default/other')).latest[0]!;
    expect(other.evaluatedAt).toBe((await second.getEntityResults('component:default/other')).history[0]!.timestamp);
    expect(other.evaluatedAt < after.latest[0]!.evaluatedAt).toBe(true);
    await second.stop();
  });

  it('drops results stored under an id no scorecard has any more (a catalog scorecard stored under its bare name by an earlier version)', async () => {
    const { catalog } = await providerCatalog([group('team-a'), component('svc')]);
    const store = memoryScorecardStore();
    const stale = { entityRef: 'component:default/svc', evaluatedAt: '2026-01-01T00:00:00.000Z', levelIndex: 0, level: 'bronze', percentage: 100, checks: [], dependencies: [] };
    await store.write({ put: [{ ...stale, scorecardId: 'readiness' }, { ...stale, scorecardId: 'gone' }] });
    const service = createScorecards({ catalog, scorecards: [card], catalogScorecards: false, store });
    await service.start();
    expect((await service.getEntityResults('component:default/svc')).latest.map((r) => r.scorecardId)).toEqual(['staffed']);
    // History is kept, as for any removed result.
    expect((await service.getEntityResults('component:default/svc')).history.map((h) => h.scorecardId).sort()).toEqual(['gone', 'readiness', 'staffed']);
    expect(await service.evaluate()).toMatchObject({ removed: 0 });
    await service.stop();
  });
});
