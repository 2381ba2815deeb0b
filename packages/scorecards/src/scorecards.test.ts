import { describe, expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog';
import { component, group, providerCatalog, user } from './__testkit__/catalog.js';
import { createCheck } from './check.js';
import { dependenciesInProduction, hasDescription, hasOwner, ownerHasMembers } from './checks/index.js';
import { defineScorecard } from './scorecard.js';
import { createScorecards } from './create-scorecards.js';
import type { CheckOutcome } from './types.js';

/** A check whose outcome per entity name the test sets. */
const scripted = (id: string, outcomes: Record<string, CheckOutcome['status']>) =>
  createCheck({
    id,
    title: id,
    evaluate: (entity) => ({ status: outcomes[entity.metadata.name] ?? 'pass', message: `${id} on ${entity.metadata.name}` }),
  });

describe('levels, weights and percentage', () => {
  it('reaches the highest level whose checks and all lower levels pass; weights make the percentage', async () => {
    const { catalog } = await providerCatalog([group('team-a'), component('all-good'), component('silver-fails'), component('bronze-fails'), component('warns')]);
    const card = defineScorecard({
      id: 'medals',
      appliesTo: { kind: 'Component' },
      levels: [
        { id: 'bronze', checks: [{ check: scripted('b1', { 'bronze-fails': 'fail', warns: 'warn' }), weight: 2 }] },
        { id: 'silver', checks: [scripted('s1', { 'silver-fails': 'fail', 'bronze-fails': 'pass' })] },
        { id: 'gold', checks: [{ check: scripted('g1', {}), weight: 1 }] },
      ],
    });
    const service = createScorecards({ catalog, scorecards: [card], catalogScorecards: false });
    await service.evaluate();
    const of = async (name: string) => (await service.getEntityResults(`component:default/${name}`)).latest[0]!;

    expect(await of('all-good')).toMatchObject({ level: 'gold', levelIndex: 2, percentage: 100 });
    // silver fails: gold passing does not count towards the level, but does towards the percentage.
    expect(await of('silver-fails')).toMatchObject({ level: 'bronze', levelIndex: 0, percentage: 75 });
    const bronzeFails = await of('bronze-fails');
    expect(bronzeFails.levelIndex).toBe(-1);
    expect(bronzeFails.level).toBeUndefined();
    expect(bronzeFails.percentage).toBe(50);
    // A warn does not block the level and earns half its weight: (1 + 1 + 1) / 4.
    expect(await of('warns')).toMatchObject({ level: 'gold', percentage: 75 });
    expect((await of('warns')).checks.map((c) => [c.checkId, c.level, c.weight, c.status])).toEqual([
      ['b1', 'bronze', 2, 'warn'],
      ['s1', 'silver', 1, 'pass'],
      ['g1', 'gold', 1, 'pass'],
    ]);
    // The group is outside appliesTo.
    await expect(service.getEntityResults('group:default/team-a')).resolves.toMatchObject({ latest: [] });
  });

  it('leaves out checks that do not apply, and fails checks that throw or return nonsense', async () => {
    const { catalog } = await providerCatalog([group('team-a'), component('svc'), component('lib', { type: 'library' })]);
    const servicesOnly = createCheck({ id: 'services-only', title: 'x', appliesTo: { 'spec.type': 'service' }, evaluate: () => ({ status: 'fail', message: 'no' }) });
    const throws = createCheck({ id: 'throws', title: 'x', evaluate: () => { throw new Error('boom'); } });
    const nonsense = createCheck({ id: 'nonsense', title: 'x', evaluate: () => ({ status: 'great' }) as unknown as CheckOutcome });
    const service = createScorecards({
      catalog,
      catalogScorecards: false,
      scorecards: [
        defineScorecard({ id: 'a', appliesTo: { kind: 'component' }, levels: [{ id: 'one', checks: [servicesOnly, scripted('ok', {})] }] }),
        defineScorecard({ id: 'b', appliesTo: { kind: 'component' }, levels: [{ id: 'one', checks: [throws, nonsense] }] }),
      ],
    });
    await service.evaluate();
    const lib = (await service.getEntityResults('component:default/lib')).latest;
    expect(lib.find((r) => r.scorecardId === 'a')).toMatchObject({ level: 'one', percentage: 100, checks: [{ checkId: 'ok' }] });
    const svc = (await service.getEntityResults('component:default/svc')).latest;
    expect(svc.find((r) => r.scorecardId === 'a')).toMatchObject({ levelIndex: -1, percentage: 50 });
    expect(svc.find((r) => r.scorecardId === 'b')!.checks.map((c) => [c.status, c.message])).toEqual([
      ['fail', 'check throws could not run: boom'],
      ['fail', 'check nonsense returned no valid status (pass, fail or warn)'],
    ]);
  });

  it('rejects malformed scorecards and checks at creation, naming them', () => {
    const ok = scripted('ok', {});
    expect(() => defineScorecard({ id: 'x', levels: [] })).toThrow(/defineScorecard\("x"\): levels must list at least one level/);
    expect(() => defineScorecard({ id: 'x', levels: [{ id: 'a', checks: [] }, { id: 'a', checks: [] }] })).toThrow(/level id "a" is used twice/);
    expect(() => defineScorecard({ id: 'x', levels: [{ id: 'a', checks: [ok] }, { id: 'b', checks: [ok] }] })).toThrow(/levels\[1\].checks\[0\]: check "ok" is used twice/);
    expect(() => defineScorecard({ id: 'x', levels: [{ id: 'a', checks: [{ check: ok, weight: -1 }] }] })).toThrow(/weight of ok must be a finite number/);
    expect(() => defineScorecard({ id: 'x', appliesTo: { kind: 3 as unknown as string }, levels: [{ id: 'a', checks: [] }] })).toThrow(/invalid appliesTo/);
    expect(() => createCheck({ id: 'Bad Id', title: 't', evaluate: () => ({ status: 'pass', message: '' }) })).toThrow(/createCheck\("Bad Id"\): id must be/);
    expect(() => createCheck({ id: 'ok', title: '', evaluate: () => ({ status: 'pass', message: '' }) })).toThrow(/title must be a non-empty string/);
  });
});

describe('incremental evaluation on catalog changes', () => {
  const card = () =>
    defineScorecard({
      id: 'readiness',
      appliesTo: { kind: 'Component' },
      levels: [
        { id: 'bronze', checks: [hasOwner(), hasDescription()] },
        { id: 'silver', checks: [ownerHasMembers({ min: 2 })] },
        { id: 'gold', checks: [dependenciesInProduction()] },
      ],
    });
  const seed = (): Entity[] => [
    group('team-a'),
    group('team-b'),
    user('ann', ['team-a']),
    user('bob', ['team-b']),
    user('cid', ['team-b']),
    component('a1', {}, { description: 'A1' }),
    component('a2', {}, { description: 'A2' }),
    component('b1', { owner: 'team-b', dependsOn: ['component:db-proxy'] }, { description: 'B1' }),
    component('db-proxy', { owner: 'team-b', lifecycle: 'production' }, { description: 'proxy' }),
    component('orphan', { owner: 'team-ghost' }, { description: 'no team' }),
  ];

  it('re-evaluates the components of a group that gains a member, and nothing else', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const service = createScorecards({ catalog, events, scorecards: [card()], catalogScorecards: false });
    await service.start();
    const level = async (name: string) => (await service.getEntityResults(`component:default/${name}`)).latest[0]?.level;
    expect(await level('a1')).toBe('bronze');
    expect(await level('b1')).toBe('gold');

    await change({ added: [user('dan', ['team-a'])] });
    await service.idle();
    expect(await level('a1')).toBe('gold');
    expect(await level('a2')).toBe('gold');

    // Applying the group's change by hand shows what it reaches: what read team-a, not the group itself.
    const summary = await service.applyChanges({ upserted: [(await catalog.getEntityByRef('group:default/team-a'))!] });
    expect(summary.entityRefs).toEqual(['component:default/a1', 'component:default/a2']);
    const history = await service.getEntityResults('component:default/a1');
    expect(history.history.map((h) => h.level)).toEqual(['gold', 'bronze']);
    expect((await service.getEntityResults('component:default/b1')).history).toHaveLength(1);
    await service.stop();
  });

  it('re-evaluates a dependent when its dependency leaves production, and an owner that appears', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const service = createScorecards({ catalog, events, scorecards: [card()], catalogScorecards: false });
    await service.start();
    const latest = async (name: string) => (await service.getEntityResults(`component:default/${name}`)).latest[0]!;
    expect((await latest('orphan')).levelIndex).toBe(-1);

    await change({ added: [component('db-proxy', { owner: 'team-b', lifecycle: 'deprecated' }, { description: 'proxy' })] });
    await service.idle();
    const b1 = await latest('b1');
    expect(b1.level).toBe('silver');
    expect(b1.checks.find((c) => c.checkId === 'dependencies-in-production')?.message).toBe('component:default/db-proxy is deprecated');

    // The missing owner was recorded as a dependency, so its arrival re-evaluates the orphan.
    await change({ added: [group('team-ghost')] });
    await service.idle();
    expect((await latest('orphan')).level).toBe('bronze');

    // Deleting an entity drops its results (history stays) and re-evaluates what read it.
    await change({ removed: ['component:default/db-proxy'] });
    await service.idle();
    expect((await service.getEntityResults('component:default/db-proxy')).latest).toEqual([]);
    expect((await service.getEntityResults('component:default/db-proxy')).history.length).toBeGreaterThan(0);
    expect((await latest('b1')).checks.find((c) => c.checkId === 'dependencies-in-production')?.message).toBe(
      'component:default/db-proxy is not in the catalog',
    );
    await service.stop();
  });

  it('drops the result of an entity that leaves a scorecard\'s scope, and keeps its history', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const services = defineScorecard({ id: 'services', appliesTo: { kind: 'Component', 'spec.type': 'service' }, levels: [{ id: 'one', checks: [hasOwner()] }] });
    const service = createScorecards({ catalog, events, scorecards: [services], catalogScorecards: false });
    await service.start();
    expect((await service.getEntityResults('component:default/a1')).latest).toHaveLength(1);
    await change({ added: [component('a1', { type: 'library' }, { description: 'A1' })] });
    await service.idle();
    const after = await service.getEntityResults('component:default/a1');
    expect(after.latest).toEqual([]);
    expect(after.history).toHaveLength(1);
    expect((await service.getScorecardSummary('services')).total).toBe(4);
    await expect(service.evaluate({ scorecardId: 'nope' })).rejects.toThrow(/No scorecard "nope"/);
    await service.stop();
  });

  it('calls only the checks of affected entities after a change', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const calls: string[] = [];
    const counting = createCheck({
      id: 'counting',
      title: 'reads the owner',
      async evaluate(entity, ctx) {
        calls.push(entity.metadata.name);
        await ctx.getEntityByRef(`group:default/${String(entity.spec?.owner)}`);
        return { status: 'pass', message: 'ok' };
      },
    });
    const service = createScorecards({
      catalog,
      events,
      catalogScorecards: false,
      scorecards: [defineScorecard({ id: 'c', appliesTo: { kind: 'Component' }, levels: [{ id: 'one', checks: [counting] }] })],
    });
    await service.start();
    expect(calls.sort()).toEqual(['a1', 'a2', 'b1', 'db-proxy', 'orphan']);
    calls.length = 0;
    await change({ added: [user('eve', ['team-b'])] });
    await service.idle();
    expect(calls.sort()).toEqual(['b1', 'db-proxy']);
    calls.length = 0;
    await change({ added: [component('a1', {}, { description: 'changed' })] });
    await service.idle();
    // a1 changed; team-a's relations did not (same owner), so a2 is left alone.
    expect(calls).toEqual(['a1']);
    await service.stop();
  });

  it('re-evaluates results whose check query starts matching a new entity', async () => {
    const { catalog, events, change } = await providerCatalog(seed());
    const onCall = createCheck({
      id: 'has-oncall',
      title: 'An on-call rota resource exists for the owner',
      async evaluate(entity, ctx) {
        const owner = String(entity.spec?.owner);
        const { items } = await ctx.query({ filter: { kind: 'resource', 'spec.type': 'oncall', 'spec.owner': owner } });
        return items.length ? { status: 'pass', message: items[0]!.metadata.name } : { status: 'fail', message: `no on-call rota for ${owner}` };
      },
    });
    const service = createScorecards({
      catalog,
      events,
      catalogScorecards: false,
      scorecards: [defineScorecard({ id: 'oncall', appliesTo: { kind: 'Component' }, levels: [{ id: 'one', checks: [onCall] }] })],
    });
    await service.start();
    expect((await service.getEntityResults('component:default/b1')).latest[0]!.levelIndex).toBe(-1);
    await change({ added: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'rota-b' }, spec: { type: 'oncall', owner: 'team-b' } }] });
    await service.idle();
    expect((await service.getEntityResults('component:default/b1')).latest[0]).toMatchObject({ level: 'one', dependencies: ['resource:default/rota-b'] });
    expect((await service.getEntityResults('component:default/a1')).latest[0]!.levelIndex).toBe(-1);
    await service.stop();
  });
});
