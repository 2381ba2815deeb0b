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
import { component, group, providerCatalog, user } from './__testkit__/catalog.js';
import { createCheck } from './check.js';
import { dependenciesInProduction, hasDescription, ownerHasMembers } from './checks/index.js';
import { createScorecards } from './create-scorecards.js';
import { scorecardsManagePermission, scorecardsReadPermission } from './permissions.js';
import { defineScorecard } from './scorecard.js';
import { scoreResults } from './score.js';
import { memoryScorecardStore } from './stores/memory.js';
import { compareResults } from './stores/history.js';
import type { ScorecardResult } from './types.js';
import { WITHHELD_CHECK_MESSAGE } from './withheld.js';

// Results of an entity are visible exactly when the entity is: summaries and owner lists count
// only readable entities, an unreadable entity reads as an unknown one, and the refs a result was
// computed from never name an unreadable entity: a check that read one is withheld (status
// `unknown`, a fixed message), and level and percentage come from the other checks.

const jane: Principal = { type: 'user', subject: 'user:default/jane', ownershipEntityRefs: ['group:default/team-a'], claims: {} };

async function setup(entities: Entity[], options: { store?: ReturnType<typeof memoryScorecardStore> } = {}) {
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
      { id: 'silver', checks: [byName, dependenciesInProduction(), ownerHasMembers({ min: 2 })] },
    ],
  });
  const service = createScorecards({ catalog, scorecards: [card], catalogScorecards: false, auth, ...options });
  await service.start();
  return { service, state, audit, card };
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
      component('secret-2', { lifecycle: 'experimental' }, { labels: { restricted: 'yes' } }),
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
    const host = (await service.getEntityResults('component:default/open-1')).latest[0]!;
    expect(host.dependencies).toContain('component:default/secret-2');
    // The host reads the lifecycle of secret-2 in the message; jane reads that it is withheld.
    expect(host.checks.find((c) => c.checkId === 'dependencies-in-production')!.message).toBe('component:default/secret-2 is experimental');
    expect(JSON.stringify(open)).not.toContain('secret');
    expect(open.latest[0]!.checks.map((c) => c.message)).toContain(WITHHELD_CHECK_MESSAGE);
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

  it('under random conditions: summaries count exactly what the brute force lets through, and no result names or reflects a hidden entity', async () => {
    // Components depend on one another and are owned by two groups with members, so results are
    // computed from entities (components, groups) the conditions may hide.
    const entities = Array.from({ length: 24 }, (_, i) =>
      component(
        `svc-${i}`,
        {
          owner: i % 3 === 0 ? 'team-a' : 'team-b',
          lifecycle: i % 2 ? 'production' : 'experimental',
          ...(i % 4 !== 1 ? { dependsOn: [`component:default/svc-${(i * 7 + 3) % 24}`, ...(i % 6 === 0 ? ['component:default/ghost'] : [])] } : {}),
        },
        { ...(i % 4 ? { description: 'd' } : {}), ...(i % 5 === 0 ? { labels: { restricted: 'yes' } } : {}) },
      ),
    );
    const people = [group('team-a'), group('team-b'), user('ann', ['team-a']), user('bo', ['team-a']), user('cy', ['team-b'])];
    const { service, state, card } = await setup([...people, ...entities]);
    const { catalog } = await providerCatalog([...people, ...entities]);
    const stored = new Map((await catalog.getEntities()).items.map((e) => [`${e.kind.toLowerCase()}:default/${e.metadata.name}`, e]));
    const condition = fc.oneof(
      fc.constant(catalogConditions.hasLabel({ label: 'restricted' })),
      fc.constantFrom('production', 'experimental').map((value) => catalogConditions.hasSpec({ key: 'lifecycle', value })),
      fc.constant(catalogConditions.isEntityOwner({ claims: ['group:default/team-a'] })),
      fc.constant(catalogConditions.hasMetadata({ key: 'description' })),
      fc.constantFrom('Group', 'Component').map((kind) => catalogConditions.isEntityKind({ kinds: [kind] })),
    );
    const tree = fc.oneof(
      condition,
      fc.record({ not: condition }),
      fc.record({ anyOf: fc.array(condition, { maxLength: 3 }) }),
      fc.record({ allOf: fc.array(fc.oneof(condition, fc.record({ not: condition })), { maxLength: 3 }) }),
    );
    const host = await service.getScorecardSummary('readiness', { worst: 100 });
    expect(host.worst.some((r) => r.checks.some((c) => /svc-\d+ is experimental/.test(c.message)))).toBe(true);
    expect(host.worst.some((r) => r.checks.some((c) => /team-a has 2 members/.test(c.message)))).toBe(true);
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 30 }), async (conditions, worst) => {
        state.read = createCatalogConditionalDecision(conditions);
        // The brute force: an entity (or an unknown ref) is visible when the conditions apply to it.
        const visible = (ref: string) => stored.has(ref) && applyConditions(conditions, stored.get(ref)!, catalogEntityPermissionRules);
        const hidden = [...stored.keys(), 'component:default/ghost'].filter((ref) => !visible(ref));
        const expectedView = (r: ScorecardResult): ScorecardResult => {
          const checks = r.checks.map((c) =>
            c.dependencies!.some((d) => !visible(d))
              ? { checkId: c.checkId, level: c.level, weight: c.weight, status: 'unknown' as const, message: WITHHELD_CHECK_MESSAGE }
              : c,
          );
          const { level: _level, ownerRef, ...rest } = r;
          return {
            ...rest,
            ...(ownerRef && visible(ownerRef) ? { ownerRef } : {}),
            ...scoreResults(card, checks.filter((c) => c.status !== 'unknown')),
            checks,
            dependencies: r.dependencies.filter(visible),
          };
        };
        const expected = host.worst.filter((r) => visible(r.entityRef)).map(expectedView).sort(compareResults('worst'));
        const view = service.forPrincipal(jane);
        const got = await view.getScorecardSummary('readiness', { worst });
        expect(got.total).toBe(expected.length);
        expect(got.worst).toEqual(expected.slice(0, worst));
        expect(got.levels.reduce((n, l) => n + l.count, got.belowFirstLevel)).toBe(expected.length);
        const answers: unknown[] = [got, (await view.getScorecardSummary('readiness', { worst: 100 })).worst];
        // The owner group itself must be readable, else it is not found.
        const owner = view.getOwnerResults('group:default/team-a');
        if (!visible('group:default/team-a')) await expect(owner).rejects.toThrow('No entity group:default/team-a');
        else {
          const { results } = await owner;
          expect(results).toEqual(expected.filter((e) => Number(e.entityRef.match(/svc-(\d+)$/)![1]) % 3 === 0).sort(compareResults('ref')));
          answers.push(results);
        }
        for (const ref of expected.slice(0, 3).map((e) => e.entityRef)) answers.push(await view.getEntityResults(ref));
        for (const answer of answers) {
          const text = JSON.stringify(answer);
          for (const ref of hidden) expect(new RegExp(`${ref}(?![\\w-])`).test(text), ref).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
    await service.stop();
  });

  it('need scorecards.read for every results call of the library view, and audit the request id', async () => {
    const { service, state, audit } = await setup([group('team-a'), component('open-1', {}, { description: 'x' })]);
    state.cards = 'DENY';
    const view = service.forPrincipal(jane);
    for (const call of [
      () => view.getEntityResults('component:default/open-1'),
      () => view.getOwnerResults('group:default/team-a'),
      () => view.getScorecardSummary('readiness'),
      () => view.listScorecards(),
    ]) {
      await expect(call()).rejects.toThrow('Not allowed: scorecards.read');
    }
    state.cards = 'ALLOW';
    expect((await view.getEntityResults('component:default/open-1')).latest).toHaveLength(1);
    audit.length = 0;
    const request = new Request('http://portal.test/', { headers: { 'x-request-id': 'req-evaluate-7' } });
    await service.forPrincipal(jane, { request }).evaluate({ entityRef: 'component:default/open-1' });
    state.manage = 'DENY';
    await expect(service.forPrincipal(jane, { request }).evaluate({})).rejects.toThrow('Not allowed');
    expect(audit.map((e) => [e.outcome, e.requestId])).toEqual([
      ['success', 'req-evaluate-7'],
      ['denied', 'req-evaluate-7'],
    ]);
    await service.stop();
  });

  it('withhold every check of a result stored without per-check dependencies when the result read a hidden entity', async () => {
    const store = memoryScorecardStore();
    const { service, state } = await setup(
      [group('team-a'), component('open-1', {}, { description: 'x' }), component('secret-2', {}, { labels: { restricted: 'yes' } })],
      { store },
    );
    const [stored] = await store.latest({ entityRefs: ['component:default/open-1'] });
    // As written before checks recorded what they read: only the result's dependencies.
    const legacy: ScorecardResult = {
      ...stored!,
      checks: stored!.checks.map(({ dependencies: _d, ...c }) => ({ ...c, message: `${c.message} (secret-2 said so)` })),
      dependencies: ['component:default/secret-2'],
    };
    await store.write({ put: [legacy] });
    state.read = createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
    const { latest } = await service.forPrincipal(jane).getEntityResults('component:default/open-1');
    expect(latest[0]!.checks.map((c) => [c.status, c.message])).toEqual(legacy.checks.map(() => ['unknown', WITHHELD_CHECK_MESSAGE]));
    // No visible check left: no level blocked, nothing to count.
    expect([latest[0]!.levelIndex, latest[0]!.percentage]).toEqual([1, 100]);
    expect(JSON.stringify(latest)).not.toContain('secret');
    await service.stop();
  });
});
