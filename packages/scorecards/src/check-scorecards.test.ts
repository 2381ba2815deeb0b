import { describe, expect, it } from 'vitest';
import type { Entity } from '@portalkit/catalog';
import { component, group, providerCatalog, user } from './__testkit__/catalog.js';
import { checkScorecards } from './check-scorecards.js';
import { hasDescription, hasOwner, hasTechDocs, ownerHasMembers } from './checks/index.js';
import { SCORECARD_API_VERSION } from './kind.js';
import { defineScorecard } from './scorecard.js';

const card = defineScorecard({
  id: 'readiness',
  appliesTo: { kind: 'Component' },
  levels: [
    { id: 'bronze', checks: [hasOwner(), hasDescription()] },
    { id: 'silver', checks: [ownerHasMembers({ min: 1 })] },
    { id: 'gold', checks: [hasTechDocs()] },
  ],
});

const entities = (): Entity[] => [
  group('team-a'),
  group('team-b'),
  user('ann', ['team-a']),
  component('good', {}, { description: 'fine', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }),
  component('silver-only', {}, { description: 'no docs' }),
  component('unstaffed', { owner: 'team-b' }, { description: 'nobody' }),
  component('bare', { owner: 'team-ghost' }),
];

describe('checkScorecards', () => {
  it('lists the entities below the required level with the checks to fix', async () => {
    const { catalog } = await providerCatalog(entities());
    const silver = await checkScorecards({ catalog, scorecards: [card], requiredLevel: 'silver' });
    expect(silver.ok).toBe(false);
    expect(silver.evaluated).toBe(4);
    // Every result, the passing ones too, with its level and percentage.
    expect(silver.results.map((r) => [r.entityRef, r.level ?? null, r.percentage])).toEqual([
      ['component:default/bare', null, 0],
      ['component:default/good', 'gold', 100],
      ['component:default/silver-only', 'silver', 75],
      ['component:default/unstaffed', 'bronze', 50],
    ]);
    expect(silver.below.map((b) => [b.entityRef, b.level ?? null, b.failingChecks.map((c) => c.checkId)])).toEqual([
      ['component:default/bare', null, ['has-owner', 'has-description', 'owner-has-members']],
      ['component:default/unstaffed', 'bronze', ['owner-has-members']],
    ]);
    const bronze = await checkScorecards({ catalog, scorecards: [card], requiredLevel: { readiness: 'bronze' } });
    expect(bronze.below.map((b) => b.entityRef)).toEqual(['component:default/bare']);
    const one = await checkScorecards({ catalog, scorecards: [card], requiredLevel: 'gold', entityRef: 'component:default/good' });
    expect(one).toMatchObject({ ok: true, evaluated: 1, below: [], results: [{ entityRef: 'component:default/good', level: 'gold' }] });
  });

  it('uses the catalog Scorecard entities from trusted locations by default', async () => {
    const scorecard = (name: string, location: string): Entity => ({
      apiVersion: SCORECARD_API_VERSION,
      kind: 'Scorecard',
      metadata: { name, annotations: { 'backstage.io/managed-by-location': location } },
      spec: { appliesTo: { kind: 'Component' }, levels: [{ id: 'documented', checks: ['has-techdocs'] }] },
    });
    const { catalog } = await providerCatalog([
      ...entities(),
      scorecard('docs', 'url:https://git.example/platform/scorecards/docs.yaml'),
      scorecard('lenient', 'url:https://git.example/team-x/catalog-info.yaml'),
    ]);
    const result = await checkScorecards({
      catalog,
      requiredLevel: { docs: 'documented' },
      trustedLocations: [{ type: 'url', pattern: 'https://git.example/platform/**' }],
    });
    expect(result.below.map((b) => [b.scorecardId, b.entityRef])).toEqual([
      ['scorecard:default/docs', 'component:default/bare'],
      ['scorecard:default/docs', 'component:default/silver-only'],
      ['scorecard:default/docs', 'component:default/unstaffed'],
    ]);
    expect(result.ignored).toEqual([{ entityRef: 'scorecard:default/lenient', message: expect.stringContaining('url:https://git.example/team-x/catalog-info.yaml') }]);
    // Trusting nothing (the default) uses none of them.
    expect(await checkScorecards({ catalog, requiredLevel: 'documented' })).toMatchObject({ ok: true, evaluated: 0, ignored: [{}, {}] });
  });

  it('rejects a required level a scorecard does not have, naming its levels', async () => {
    const { catalog } = await providerCatalog(entities());
    await expect(checkScorecards({ catalog, scorecards: [card], requiredLevel: 'platinum' })).rejects.toThrow(
      /scorecard readiness has no level "platinum"; its levels: bronze, silver, gold/,
    );
    await expect(checkScorecards({ catalog, scorecards: [card], requiredLevel: { nope: 'gold' } })).rejects.toThrow(/unknown scorecards: nope/);
  });
});
