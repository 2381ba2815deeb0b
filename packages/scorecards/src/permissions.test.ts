import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogConditions, catalogEntityPermissionRules, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog';
import {
  AuthenticationError,
  anonymousPrincipal,
  applyConditions,
  createPortalAuth,
  type AuditEvent,
  type PolicyDecision,
  type Principal,
} from '@portalkit/core';
import { component, group, providerCatalog } from './__testkit__/catalog.js';
import { createCheck } from './check.js';
import { dependenciesInProduction, hasDescription } from './checks/index.js';
import { createScorecards } from './create-scorecards.js';
import { scorecardsManagePermission, scorecardsReadPermission } from './permissions.js';
import { defineScorecard } from './scorecard.js';

// Results of an entity are visible exactly when the entity is: summaries and owner lists count
// only readable entities, an unreadable entity reads as an unknown one, and the refs a result was
// computed from never name an unreadable entity.

const jane: Principal = { type: 'user', subject: 'user:default/jane', ownershipEntityRefs: ['group:default/team-a'], claims: {} };

async function setup(entities: Entity[]) {
  const { catalog } = await providerCatalog(entities);
  const state: { read: PolicyDecision; cards: 'ALLOW' | 'DENY'; manage: 'ALLOW' | 'DENY' } = {
    read: { result: 'ALLOW' },
    cards: 'ALLOW',
    manage: 'ALLOW',
  };
  const audit: AuditEvent[] = [];
  const auth = createPortalAuth({
    identify: (request) => {
      const header = request.headers.get('authorization');
      if (!header) return anonymousPrincipal();
      if (header === 'Bearer jane') return jane;
      throw new AuthenticationError('bad token');
    },
    policy: (_principal, permission) => {
      if (permission.name === scorecardsReadPermission.name) return { result: state.cards };
      if (permission.name === scorecardsManagePermission.name) return { result: state.manage };
      return state.read;
    },
    audit: (event) => void audit.push(event),
  });
  // A scripted check: the entity's name decides its outcome, so levels vary.
  const byName = createCheck({
    id: 'by-name',
    title: 'by name',
    evaluate: (entity) => ({ status: Number(/\d+/.exec(entity.metadata.name)?.[0] ?? 0) % 3 === 0 ? 'fail' : 'pass', message: 'by name' }),
  });
  const card = defineScorecard({
    id: 'readiness',
    appliesTo: { kind: 'Component' },
    levels: [
      { id: 'bronze', checks: [hasDescription()] },
      { id: 'silver', checks: [byName, dependenciesInProduction()] },
    ],
  });
  const service = createScorecards({ catalog, scorecards: [card], catalogScorecards: false, auth });
  await service.start();
  return { service, state, audit };
}

const request = (service: Awaited<ReturnType<typeof setup>>['service'], path: string, init: RequestInit & { token?: string } = {}) =>
  service.handler({ basePath: '/api/scorecards' })(
    new Request(`http://portal.test/api/scorecards${path}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string> | undefined) },
    }),
  );

describe('scorecards under a policy', () => {
  it('hide a restricted entity’s results as if it did not exist, and leave it out of counts and lists', async () => {
    const { service, state } = await setup([
      group('team-a'),
      component('open-1', { dependsOn: ['component:default/secret-2'] }, { description: 'x' }),
      component('secret-2', {}, { labels: { restricted: 'yes' } }),
      component('open-3', {}, { description: 'y' }),
    ]);
    state.read = createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });

    const denied = await request(service, '/entities/component/default/secret-2', { token: 'jane' });
    const missing = await request(service, '/entities/component/default/ghost-9', { token: 'jane' });
    expect(denied.status).toBe(404);
    expect(missing.status).toBe(404);
    const message = async (r: Response) => ((await r.json()) as { error: { message: string } }).error.message.replace(/secret-2|ghost-9/, 'X');
    expect(await message(denied)).toBe(await message(missing));

    const summary = (await (await request(service, '/scorecards/readiness', { token: 'jane' })).json()) as {
      total: number;
      worst: Array<{ entityRef: string }>;
      levels: Array<{ count: number }>;
      belowFirstLevel: number;
    };
    expect(summary.total).toBe(2);
    expect(summary.worst.map((r) => r.entityRef).sort()).toEqual(['component:default/open-1', 'component:default/open-3']);
    expect(summary.levels.reduce((n, l) => n + l.count, summary.belowFirstLevel)).toBe(2);
    // The host sees all three.
    expect((await service.getScorecardSummary('readiness')).total).toBe(3);

    const owner = (await (await request(service, '/owners/group/default/team-a', { token: 'jane' })).json()) as {
      results: Array<{ entityRef: string }>;
    };
    expect(owner.results.map((r) => r.entityRef)).toEqual(['component:default/open-1', 'component:default/open-3']);

    // open-1 was computed from secret-2 (it depends on it): the ref is not shown.
    const open = (await (await request(service, '/entities/component/default/open-1', { token: 'jane' })).json()) as {
      latest: Array<{ dependencies: string[]; checks: Array<{ message?: string }> }>;
    };
    expect(JSON.stringify(open.latest[0]!.dependencies)).not.toContain('secret');
    expect((await service.getEntityResults('component:default/open-1')).latest[0]!.dependencies).toContain('component:default/secret-2');
    await service.stop();
  });

  it('need scorecards.read for definitions, scorecards.manage (audited) to evaluate, and a valid credential', async () => {
    const { service, state, audit } = await setup([group('team-a'), component('open-1', {}, { description: 'x' })]);
    state.cards = 'DENY';
    expect((await request(service, '/scorecards', { token: 'jane' })).status).toBe(403);
    expect((await request(service, '/scorecards/readiness', { token: 'jane' })).status).toBe(403);
    state.cards = 'ALLOW';
    expect((await request(service, '/scorecards', { token: 'jane' })).status).toBe(200);
    expect((await request(service, '/scorecards', { token: 'forged' })).status).toBe(401);

    audit.length = 0;
    const post = (body: unknown) =>
      request(service, '/evaluate', { method: 'POST', token: 'jane', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    state.manage = 'DENY';
    expect((await post({})).status).toBe(403);
    state.manage = 'ALLOW';
    state.read = createCatalogConditionalDecision(catalogConditions.hasLabel({ label: 'nothing-has-this' }));
    expect((await post({ entityRef: 'component:default/open-1' })).status).toBe(404);
    state.read = { result: 'ALLOW' };
    const ok = await post({ entityRef: 'component:default/open-1' });
    expect(ok.status).toBe(200);
    expect(audit.map((e) => [e.action, e.actor.subject, e.target, e.outcome])).toEqual([
      ['scorecards.evaluate', 'user:default/jane', '*', 'denied'],
      ['scorecards.evaluate', 'user:default/jane', 'component:default/open-1', 'denied'],
      ['scorecards.evaluate', 'user:default/jane', 'component:default/open-1', 'success'],
    ]);
    await service.stop();
  });

  it('summaries under random conditions count exactly the entities the brute force lets through', async () => {
    const entities = Array.from({ length: 24 }, (_, i) =>
      component(
        `svc-${i}`,
        { owner: i % 3 === 0 ? 'team-a' : 'team-b', lifecycle: i % 2 ? 'production' : 'experimental' },
        { ...(i % 4 ? { description: 'd' } : {}), ...(i % 5 === 0 ? { labels: { restricted: 'yes' } } : {}) },
      ),
    );
    const { service, state } = await setup([group('team-a'), group('team-b'), ...entities]);
    const { catalog } = await providerCatalog([group('team-a'), group('team-b'), ...entities]);
    const stored = new Map((await catalog.getEntities()).items.map((e) => [`${e.kind.toLowerCase()}:default/${e.metadata.name}`, e]));
    const condition = fc.oneof(
      fc.constant(catalogConditions.hasLabel({ label: 'restricted' })),
      fc.constantFrom('production', 'experimental').map((value) => catalogConditions.hasSpec({ key: 'lifecycle', value })),
      fc.constant(catalogConditions.isEntityOwner({ claims: ['group:default/team-a'] })),
      fc.constant(catalogConditions.hasMetadata({ key: 'description' })),
    );
    const tree = fc.oneof(
      condition,
      fc.record({ not: condition }),
      fc.record({ anyOf: fc.array(condition, { maxLength: 3 }) }),
      fc.record({ allOf: fc.array(fc.oneof(condition, fc.record({ not: condition })), { maxLength: 3 }) }),
    );
    const host = await service.getScorecardSummary('readiness', { worst: 100 });
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 30 }), async (conditions, worst) => {
        state.read = createCatalogConditionalDecision(conditions);
        const expected = host.worst.filter((r) => applyConditions(conditions, stored.get(r.entityRef)!, catalogEntityPermissionRules));
        const got = await service.forPrincipal(jane).getScorecardSummary('readiness', { worst });
        expect(got.total).toBe(expected.length);
        expect(got.worst.map((r) => r.entityRef)).toEqual(expected.slice(0, worst).map((r) => r.entityRef));
        expect(got.levels.reduce((n, l) => n + l.count, got.belowFirstLevel)).toBe(expected.length);
        // The owner group itself must be readable, else it is not found.
        const ownerReadable = applyConditions(conditions, stored.get('group:default/team-a')!, catalogEntityPermissionRules);
        const owner = service.forPrincipal(jane).getOwnerResults('group:default/team-a');
        if (!ownerReadable) await expect(owner).rejects.toThrow('No entity group:default/team-a');
        else expect((await owner).results.every((r) => expected.some((e) => e.entityRef === r.entityRef))).toBe(true);
      }),
      { numRuns: 60 },
    );
    await service.stop();
  });
});
