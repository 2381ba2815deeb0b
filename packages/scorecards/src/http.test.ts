import { describe, expect, it } from 'vitest';
import { createPortal, requestHandler } from '@portalkit/core';
import { catalogPlugin } from '@portalkit/catalog';
import { component, group, providerCatalog, user } from './__testkit__/catalog.js';
import { hasDescription, hasOwner, ownerHasMembers } from './checks/index.js';
import { scorecardsPlugin } from './plugin.js';
import { defineScorecard } from './scorecard.js';
import { createScorecards } from './create-scorecards.js';

const readiness = defineScorecard({
  id: 'readiness',
  title: 'Readiness',
  appliesTo: { kind: 'Component' },
  levels: [
    { id: 'bronze', checks: [hasOwner(), hasDescription()] },
    { id: 'silver', checks: [ownerHasMembers({ min: 1 })] },
  ],
});

const seed = () => [
  group('team-a'),
  group('team-b'),
  user('ann', ['team-a']),
  component('good', {}, { description: 'fine' }),
  component('lonely', { owner: 'team-b' }, { description: 'no members' }),
  component('bare', { owner: 'team-b' }),
];

describe('scorecards HTTP API', () => {
  const setup = async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const service = createScorecards({ catalog, events, scorecards: [readiness], catalogScorecards: false });
    await service.start();
    const handler = service.handler({ basePath: '/api/scorecards' });
    const get = async (path: string, init?: RequestInit) => {
      const res = await requestHandler(handler, `/api/scorecards${path}`, init);
      return { status: res.status, body: (await res.json()) as any };
    };
    return { service, get, change };
  };

  it('lists scorecards with levels and checks', async () => {
    const { get } = await setup();
    const { status, body } = await get('/scorecards');
    expect(status).toBe(200);
    expect(body.problems).toEqual([]);
    expect(body.scorecards).toEqual([
      {
        id: 'readiness',
        title: 'Readiness',
        appliesTo: { kind: 'Component' },
        levels: [
          { id: 'bronze', title: 'bronze', checks: [expect.objectContaining({ id: 'has-owner', weight: 1 }), expect.objectContaining({ id: 'has-description', weight: 1 })] },
          { id: 'silver', title: 'silver', checks: [expect.objectContaining({ id: 'owner-has-members', title: 'Owner group has at least 1 member' })] },
        ],
      },
    ]);
  });

  it('summarises a scorecard: counts per level and worst offenders', async () => {
    const { get } = await setup();
    const { status, body } = await get('/scorecards/readiness?worst=2');
    expect(status).toBe(200);
    expect(body.total).toBe(3);
    expect(body.levels).toEqual([
      { id: 'bronze', title: 'bronze', count: 1 },
      { id: 'silver', title: 'silver', count: 1 },
    ]);
    expect(body.belowFirstLevel).toBe(1);
    expect(body.worst.map((r: { entityRef: string }) => r.entityRef)).toEqual(['component:default/bare', 'component:default/lonely']);
    expect((await get('/scorecards/nope')).status).toBe(404);
    const bad = await get('/scorecards/readiness?worst=lots');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/worst must be a non-negative integer/);
  });

  it('answers an entity\'s latest results and history, and 404 for unknown entities', async () => {
    const { get, change, service } = await setup();
    await change({ added: [user('bea', ['team-b'])] });
    await service.idle();
    const { status, body } = await get('/entities/component/default/lonely');
    expect(status).toBe(200);
    expect(body.latest).toEqual([expect.objectContaining({ scorecardId: 'readiness', level: 'silver', percentage: 100 })]);
    expect(body.history.map((h: { level?: string }) => h.level ?? null)).toEqual(['silver', 'bronze']);
    expect((await get('/entities/component/default/lonely?history=1')).body.history).toHaveLength(1);
    const missing = await get('/entities/component/default/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');
  });

  it('lists results by owner group', async () => {
    const { get } = await setup();
    const { body } = await get('/owners/group/default/team-b');
    expect(body.ownerRef).toBe('group:default/team-b');
    expect(body.results.map((r: { entityRef: string }) => r.entityRef)).toEqual(['component:default/bare', 'component:default/lonely']);
  });

  it('evaluates on demand, for everything or one entity, and rejects bad bodies', async () => {
    const { get } = await setup();
    const json = { 'content-type': 'application/json' };
    const all = await get('/evaluate', { method: 'POST', headers: json });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ evaluated: 3, removed: 0, entityRefs: ['component:default/bare', 'component:default/good', 'component:default/lonely'] });
    const one = await get('/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entityRef: 'component:default/good' }) });
    expect(one.body).toEqual({ evaluated: 1, removed: 0, entityRefs: ['component:default/good'] });
    const bad = await get('/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entity: 'x' }) });
    expect(bad.status).toBe(400);
    expect((await get('/evaluate', { method: 'POST', headers: json, body: JSON.stringify({ entityRef: 'component:default/ghost' }) })).status).toBe(404);
    // A cross-site form or text/plain post never evaluates.
    expect((await get('/evaluate', { method: 'POST', body: JSON.stringify({ entityRef: 'component:default/good' }) })).status).toBe(415);
  });
});

describe('scorecardsPlugin', () => {
  it('mounts at /api/scorecards in a portal and follows the portal event bus', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const plugin = scorecardsPlugin({ catalog, scorecards: [readiness], catalogScorecards: false });
    const portal = createPortal({ events, plugins: [catalogPlugin({ catalog }), plugin], logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });
    await portal.start();
    try {
      const res = await portal.fetch(new Request('http://localhost/api/scorecards/entities/component/default/lonely'));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { latest: { level: string }[] }).latest[0]!.level).toBe('bronze');
      await change({ added: [user('bea', ['team-b'])] });
      await plugin.scorecards.idle();
      const after = await portal.fetch(new Request('http://localhost/api/scorecards/entities/component/default/lonely'));
      expect(((await after.json()) as { latest: { level: string }[] }).latest[0]!.level).toBe('silver');
    } finally {
      await portal.stop();
    }
  });
});
