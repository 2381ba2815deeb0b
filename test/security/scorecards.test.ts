import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createEventBus, requestHandler } from '@portalkit/core';
import { builtinKinds, createCatalog } from '@portalkit/catalog';
import type { Catalog } from '@portalkit/catalog';
import {
  createCheck,
  createScorecards,
  defineScorecard,
  hasOwner,
  memoryScorecardStore,
  pgliteScorecardStore,
  postgresScorecardStore,
  scorecardKind,
} from '@portalkit/scorecards';
import type { ScorecardCatalog, ScorecardStore, Scorecards } from '@portalkit/scorecards';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

/*
 * Scorecards are a catalog author's target: a `kind: Scorecard` entity decides what every team is
 * rated on. Only the host's code and the locations it trusts may declare one; a scorecard is
 * known by its full ref; no author's input (weights, refs, NUL bytes) stops the service.
 */

let base: string;
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-scorecards-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

const scorecard = (namespace: string, name: string, levels: string) => `apiVersion: portalkit.dev/v1alpha1
kind: Scorecard
metadata:
  name: ${name}
  namespace: ${namespace}
  title: ${namespace}/${name}
spec:
  appliesTo:
    kind: Component
  levels:
${levels}
`;

// The platform's card: a component without techdocs does not reach bronze.
const platformCard = scorecard('default', 'readiness', '    - id: bronze\n      checks: [has-owner, has-techdocs]');
// The attacker's cards pass everyone: same name in a namespace that sorts (and loads) first, and a name that sorts first.
const hostileLevels = '    - id: bronze\n      checks: []';

const org = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments, description: Takes payments }
spec: { type: service, lifecycle: production, owner: team-a }
`;

/** A portal's files: its own scorecards, and a team folder any team can write to. */
async function portalFiles(): Promise<{ dir: string; platformScorecards: string }> {
  const dir = await mkdtemp(path.join(base, 'portal-'));
  await mkdir(path.join(dir, 'platform', 'scorecards'), { recursive: true });
  await mkdir(path.join(dir, 'teams'));
  await writeFile(
    path.join(dir, 'catalog-info.yaml'),
    `${org}---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: everything }
spec:
  targets: [./teams/evil.yaml, ./platform/scorecards/readiness.yaml]
`,
  );
  await writeFile(path.join(dir, 'platform', 'scorecards', 'readiness.yaml'), platformCard);
  await writeFile(
    path.join(dir, 'teams', 'evil.yaml'),
    [scorecard('aaa', 'readiness', hostileLevels), scorecard('default', 'aaa-readiness', hostileLevels)].join('---\n'),
  );
  return { dir, platformScorecards: path.join(dir, 'platform', 'scorecards') };
}

/** The catalog of `dir`; `schemaless` leaves Scorecard entities to the service to validate. */
async function portalCatalog(dir: string, schemaless = false): Promise<Catalog> {
  const catalog = createCatalog({
    rootDir: dir,
    events: createEventBus(),
    ...(schemaless ? { allowUnknownKinds: true } : { kinds: [...builtinKinds, scorecardKind] }),
    // Catalog rules let every kind in, so the scorecard service's own trust check is what is tested.
    rules: [{ allow: [...builtinKinds, scorecardKind].map((k) => k.kind) }],
  });
  await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
  return catalog;
}

/**
 * The catalog listing entities by namespace and name, as a client or store ordering by ref would:
 * the load order an attacker predicts and names their entities for.
 */
function orderedByRef(catalog: Catalog): ScorecardCatalog {
  return {
    getEntityByRef: (ref) => catalog.getEntityByRef(ref),
    getEntitiesByRefs: (refs, options) => catalog.getEntitiesByRefs(refs, options),
    getEntities: (request = {}) =>
      catalog.getEntities({
        order: [
          { field: 'metadata.namespace', order: 'asc' },
          { field: 'metadata.name', order: 'asc' },
        ],
        ...request,
      }),
  };
}

const stopping: Scorecards[] = [];
afterEach(async () => {
  for (const service of stopping.splice(0)) await service.stop();
});

describe('a catalog author cannot replace or add a platform scorecard (#11)', () => {
  it('ignores Scorecard entities from untrusted locations, with a problem naming the location; the platform one still runs', async () => {
    const { dir, platformScorecards } = await portalFiles();
    const catalog = orderedByRef(await portalCatalog(dir));
    // The hostile entities are listed, and so loaded, first.
    expect((await catalog.getEntities({ filter: { kind: 'scorecard' } })).items.map((e) => `${e.metadata.namespace}/${e.metadata.name}`)).toEqual([
      'aaa/readiness',
      'default/aaa-readiness',
      'default/readiness',
    ]);
    const service = createScorecards({ catalog, trustedLocations: [{ type: 'file', pattern: `${platformScorecards}/*.yaml` }] });
    stopping.push(service);
    await service.start();

    const { scorecards, problems } = await service.listScorecards();
    expect(scorecards.map((s) => s.id)).toEqual(['scorecard:default/readiness']);
    expect(problems.map((p) => p.entityRef)).toEqual(['scorecard:aaa/readiness', 'scorecard:default/aaa-readiness']);
    expect(problems[0]!.message).toContain(`read from file:${path.join(dir, 'teams', 'evil.yaml')}, which is not among the locations trusted to declare scorecards`);

    // The platform card rates payments (no techdocs: below bronze); the hostile ones rate nothing.
    const { latest } = await service.getEntityResults('component:default/payments');
    expect(latest.map((r) => [r.scorecardId, r.levelIndex])).toEqual([['scorecard:default/readiness', -1]]);

    // Every spelling of the platform card's id reaches it, over HTTP too; the hostile ones are unknown.
    const handler = service.handler({ basePath: '/api/scorecards' });
    for (const id of ['readiness', 'default/readiness', 'scorecard:default/readiness']) {
      expect((await service.getScorecardSummary(id)).scorecard.entityRef).toBe('scorecard:default/readiness');
    }
    // The router refuses an encoded slash, so a full ref in one segment names the default namespace only.
    for (const route of ['/readiness', '/default/readiness', `/${encodeURIComponent('scorecard:readiness')}`]) {
      const res = await requestHandler(handler, `/api/scorecards/scorecards${route}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { scorecard: { id: string; title: string } }).scorecard).toMatchObject({ id: 'scorecard:default/readiness', title: 'default/readiness' });
    }
    for (const route of ['/aaa/readiness', `/${encodeURIComponent('scorecard:aaa')}/readiness`, '/aaa-readiness']) {
      expect((await requestHandler(handler, `/api/scorecards/scorecards${route}`)).status).toBe(404);
    }
    expect((await requestHandler(handler, `/api/scorecards/scorecards/${encodeURIComponent('scorecard:aaa/readiness')}`)).status).toBe(400);
  });

  it('keeps scorecards of one name in two namespaces apart even when both locations are trusted', async () => {
    const { dir } = await portalFiles();
    const service = createScorecards({ catalog: orderedByRef(await portalCatalog(dir)), trustedLocations: [{ type: 'file' }] });
    stopping.push(service);
    await service.start();
    expect((await service.listScorecards()).scorecards.map((s) => s.id).sort()).toEqual([
      'scorecard:aaa/readiness',
      'scorecard:default/aaa-readiness',
      'scorecard:default/readiness',
    ]);
    expect((await service.getScorecardSummary('readiness')).scorecard.title).toBe('default/readiness');
    const { latest } = await service.getEntityResults('component:default/payments');
    expect(latest.find((r) => r.scorecardId === 'scorecard:default/readiness')?.levelIndex).toBe(-1);
  });

  it('trusts no catalog location by default: every Scorecard entity is a problem, none runs', async () => {
    const { dir } = await portalFiles();
    const catalog = await portalCatalog(dir);
    const untrusting = createScorecards({ catalog });
    stopping.push(untrusting);
    await untrusting.start();
    expect((await untrusting.listScorecards()).scorecards).toEqual([]);
    expect((await untrusting.listScorecards()).problems).toHaveLength(3);
    expect((await untrusting.getEntityResults('component:default/payments')).latest).toEqual([]);
  });
});

describe('weights cannot break percentages or the store (#12)', () => {
  it('refuses a YAML weight above the maximum, naming the scorecard and check, and the service still starts on PGlite', async () => {
    const dir = await mkdtemp(path.join(base, 'weights-'));
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      `${org}---\n${scorecard('default', 'heavy', '    - id: bronze\n      checks: [{ check: has-owner, weight: 1.7e308 }, { check: has-description, weight: 1.7e308 }]')}---\n${platformCard}`,
    );
    // A catalog that knows the kind refuses the entity at its line.
    const strict = await portalCatalog(dir);
    const [report] = (await strict.getProcessingErrors()).filter((r) => r.entityRef === 'scorecard:default/heavy');
    expect(report?.errors[0]).toMatchObject({ line: 22, path: 'spec.levels[0].checks[0].weight', message: expect.stringMatching(/must be at most 1000000/) });
    // The service checks again, for catalogs that do not.
    const catalog = await portalCatalog(dir, true);
    const service = createScorecards({ catalog, trustedLocations: [{ type: 'file' }], store: pgliteScorecardStore() });
    stopping.push(service);
    await service.start();
    const { scorecards, problems } = await service.listScorecards();
    expect(scorecards.map((s) => s.id)).toEqual(['scorecard:default/readiness']);
    expect(problems).toEqual([
      { entityRef: 'scorecard:default/heavy', message: expect.stringMatching(/spec\.levels\[0\]\.checks\[0\]\.weight: must be at most 1000000 \(check has-owner\)/) },
    ]);
    expect((await service.getEntityResults('component:default/payments')).latest).toHaveLength(1);
  });

  it('refuses such a weight in code, and never produces NaN even for a scorecard object built by hand', async () => {
    const pass = (id: string) => createCheck({ id, title: id, evaluate: () => ({ status: 'pass', message: 'ok' }) });
    const fail = createCheck({ id: 'fails', title: 'fails', evaluate: () => ({ status: 'fail', message: 'no' }) });
    expect(() => defineScorecard({ id: 'heavy', levels: [{ id: 'a', checks: [{ check: pass('p'), weight: 1e308 }] }] })).toThrow(
      /defineScorecard\("heavy"\): levels\[0\]\.checks\[0\]: weight of p must be a finite number from 0 to 1000000, got 1e\+308/,
    );
    const light = defineScorecard({ id: 'heavy', appliesTo: { kind: 'Component' }, levels: [{ id: 'a', checks: [pass('p'), fail, hasOwner()] }] });
    // Bypassing defineScorecard: weights whose sum overflows to Infinity.
    const handMade = { ...light, levels: [{ ...light.levels[0]!, checks: light.levels[0]!.checks.map((c) => ({ ...c, weight: 1.7e308 })) }] };
    const dir = await mkdtemp(path.join(base, 'weights-code-'));
    await writeFile(path.join(dir, 'catalog-info.yaml'), org);
    for (const store of [memoryScorecardStore(), pgliteScorecardStore()]) {
      const service = createScorecards({ catalog: await portalCatalog(dir), scorecards: [handMade], store });
      stopping.push(service);
      await service.start();
      const [result] = (await service.getEntityResults('component:default/payments')).latest;
      expect(result).toMatchObject({ scorecardId: 'heavy', percentage: 66.7 });
    }
  });
});

const postgresSkip = await postgresSkipReason();

describe.each([
  { name: 'memory', skip: false as string | false, open: async () => ({ store: memoryScorecardStore(), drop: async () => {} }) },
  {
    name: 'pglite',
    skip: false as string | false,
    open: async () => {
      // In memory; closed by the service's stop().
      return { store: pgliteScorecardStore(), drop: async () => {} };
    },
  },
  {
    name: 'postgres',
    skip: postgresSkip,
    open: async () => {
      const schema = randomSchema();
      const pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
      return {
        store: postgresScorecardStore({ pool, schema }),
        drop: async () => {
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await pool.end();
        },
      };
    },
  },
])('NUL bytes and lone surrogates in scorecard routes are a 400 on $name (#17)', ({ name, skip, open }) => {
  it.skipIf(skip)(`refuses them with InputError, leaves no unhandled rejection, and keeps serving (${name})`, async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const { store, drop } = await open();
    try {
      const dir = await mkdtemp(path.join(base, `nul-${name}-`));
      await writeFile(path.join(dir, 'catalog-info.yaml'), org);
      const service = createScorecards({
        catalog: await portalCatalog(dir),
        store: store as ScorecardStore,
        scorecards: [defineScorecard({ id: 'readiness', appliesTo: { kind: 'Component' }, levels: [{ id: 'bronze', checks: [hasOwner()] }] })],
      });
      await service.start();
      const handler = service.handler({ basePath: '/api/scorecards' });
      const json = { 'content-type': 'application/json' };
      const requests: [string, RequestInit?][] = [
        ['/entities/component/default/pay%00ments'],
        ['/entities/component/default/payments%00?history=1'],
        ['/owners/group/default/team%00-a'],
        ['/scorecards/readi%00ness'],
        ['/scorecards/default/readi%00ness'],
        ['/scorecards/%00'],
        ['/evaluate', { method: 'POST', headers: json, body: JSON.stringify({ entityRef: 'component:default/payments\u0000' }) }],
        ['/evaluate', { method: 'POST', headers: json, body: JSON.stringify({ entityRef: 'component:default/\ud800' }) }],
        ['/evaluate', { method: 'POST', headers: json, body: JSON.stringify({ scorecardId: 'readiness\u0000' }) }],
        ['/evaluate', { method: 'POST', headers: json, body: JSON.stringify({ scorecardId: '\udfff' }) }],
      ];
      for (const [route, init] of requests) {
        const res = await requestHandler(handler, `/api/scorecards${route}`, init);
        expect({ route, status: res.status }).toEqual({ route, status: 400 });
        expect(((await res.json()) as { error: { name: string } }).error.name).toBe('InputError');
      }
      // Library callers get the same typed error.
      await expect(service.getEntityResults('component:default/a\u0000')).rejects.toMatchObject({ name: 'InputError' });
      await expect(service.getOwnerResults('group:default/\ud800')).rejects.toMatchObject({ name: 'InputError' });
      await expect(service.getScorecardSummary('x\u0000')).rejects.toMatchObject({ name: 'InputError' });
      // Still serving, data unchanged.
      const ok = await requestHandler(handler, '/api/scorecards/entities/component/default/payments');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { latest: { level?: string }[] }).latest.map((r) => r.level)).toEqual(['bronze']);
      await service.stop();
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await drop();
    }
  });
});
