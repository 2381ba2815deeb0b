import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtinKinds, catalogPlugin } from '@portalkit/catalog';
import { catalogConditions, catalogEntityReadPermission, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import {
  AuthenticationError,
  anonymousPrincipal,
  createLogger,
  createPortal,
  createPortalAuth,
  memorySink,
  type AuditEvent,
  type Portal,
  type Principal,
} from '@portalkit/core';
import { catalogCollator, searchPlugin, techdocsCollator } from '@portalkit/search';
import { memoryPublisher, techdocsPlugin } from '@portalkit/techdocs';
import {
  SCORECARD_API_VERSION,
  WITHHELD_CHECK_MESSAGE,
  defineScorecard,
  dependenciesInProduction,
  hasDescription,
  hasOwner,
  ownerHasMembers,
  scorecardKind,
  scorecardsPlugin,
  scorecardsReadPermission,
  type ScorecardResult,
} from '@portalkit/scorecards';

// The attacks of issue #19 on search, TechDocs and scorecards, over HTTP through the real plugins
// composed with createPortal and one policy: jane may not read entities labelled `restricted`;
// admin may read everything. Whatever jane asks, the restricted entity (`vault`) never shows: not
// in search results or totals, not as docs, docs metadata, entity metadata or assets, not in
// scorecard results or summaries; and each of those answers her exactly as for an entity that
// does not exist. Bad credentials are a 401 everywhere.

const users: Record<string, Principal> = {
  jane: { type: 'user', subject: 'user:default/jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: ['user:default/jane'], claims: {} },
  admin: { type: 'user', subject: 'user:default/admin', userEntityRef: 'user:default/admin', ownershipEntityRefs: ['user:default/admin'], claims: {} },
};

const component = (name: string, labels: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} keeps the treasury ledger\n${labels}  annotations:\n    backstage.io/techdocs-ref: dir:./${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

const group = (name: string, labels: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n${labels}spec:\n  type: team\n  children: []\n`;

describe('attacks through the portal: search, TechDocs and scorecards under a policy', () => {
  let dir: string;
  let portal: Portal;
  const audit: AuditEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'permissions-portal-'));
    await writeFile(
      path.join(dir, 'catalog-info.yaml'),
      `${component('payments', '')}---\n${component('vault', '  labels:\n    restricted: "true"\n')}---\n${group('team-a', '')}`,
    );
    for (const name of ['payments', 'vault']) {
      await mkdir(path.join(dir, name, 'docs', 'img'), { recursive: true });
      await writeFile(path.join(dir, name, 'mkdocs.yml'), `site_name: ${name}\nnav:\n  - Home: index.md\n`);
      await writeFile(path.join(dir, name, 'docs', 'index.md'), `# ${name}\n\n## Ledger\n\nThe treasury ledger of ${name}.\n`);
      await writeFile(path.join(dir, name, 'docs', 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    }
    const catalog = catalogPlugin({ rootDir: dir, rules: [{ allow: ['Component', 'Group', 'Location'] }] });
    const techdocs = techdocsPlugin({ publisher: memoryPublisher(), getEntity: (name) => catalog.catalog.getEntityByRef(name), root: dir });
    const auth = createPortalAuth({
      // A tiny identifier: `Bearer <user>`; an unknown token is a bad credential.
      identify: (request) => {
        const header = request.headers.get('authorization');
        if (!header) return anonymousPrincipal();
        const user = users[header.replace(/^Bearer /, '')];
        if (!user) throw new AuthenticationError('invalid token');
        return user;
      },
      policy: (principal, permission) => {
        if (principal.subject === 'user:default/admin' || principal.subject === 'host') return { result: 'ALLOW' };
        if (permission.name === catalogEntityReadPermission.name) {
          return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
        }
        return { result: principal.type === 'anonymous' ? 'DENY' : 'ALLOW' };
      },
      audit: (event) => void audit.push(event),
    });
    portal = createPortal({
      auth,
      logger: createLogger({ sink: memorySink() }),
      plugins: [
        catalog,
        techdocs,
        searchPlugin({
          collators: [
            catalogCollator({ getEntities: async () => (await catalog.catalog.getEntities()).items }),
            techdocsCollator({ sites: () => [] }),
          ],
        }),
        scorecardsPlugin({
          catalog: catalog.catalog,
          scorecards: [defineScorecard({ id: 'readiness', levels: [{ id: 'bronze', checks: [hasOwner(), hasDescription()] }] })],
        }),
      ],
    });
    await portal.start();
    await catalog.catalog.addLocation({ type: 'file', target: path.join(dir, 'catalog-info.yaml') });
    for (const name of ['payments', 'vault']) await techdocs.techdocs.build((await catalog.catalog.getEntityByRef(`component:default/${name}`))!);
  });

  afterAll(async () => {
    await portal.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, user?: string) => portal.request(url, user ? { headers: { authorization: `Bearer ${user}` } } : {});
  const json = async <T>(url: string, user?: string): Promise<T> => {
    const res = await get(url, user);
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  };
  type Page = { results: Array<{ type: string; document: { entityRef?: string; location: string } }>; numberOfResults: number; nextPageCursor?: string };

  test('search: the restricted entity and its docs are neither found nor counted, on any page', async () => {
    // Admin finds both entities and both sites.
    await expect
      .poll(async () => (await json<Page>('/api/search/query?term=ledger', 'admin')).numberOfResults)
      .toBe(4);
    for (const term of ['ledger', 'vault', 'treasury', '']) {
      const q = `/api/search/query?term=${term}`;
      const admin = await json<Page>(q, 'admin');
      const jane = await json<Page>(q, 'jane');
      const hidden = admin.results.filter((r) => r.document.entityRef === 'component:default/vault').length;
      expect(hidden, term).toBeGreaterThan(0);
      expect(jane.numberOfResults, term).toBe(admin.numberOfResults - hidden);
      expect(JSON.stringify(jane), term).not.toContain('vault');
    }
    // Walking every page one result at a time, with cursors: everything else, and nothing of it.
    const everything = (await json<Page>('/api/search/query?term=&pageLimit=100', 'admin')).results.map((r) => r.document);
    const expected = everything.filter((d) => d.entityRef !== 'component:default/vault').map((d) => d.location);
    expect(expected.length).toBeLessThan(everything.length - 1);
    let cursor: string | undefined;
    const seen: string[] = [];
    do {
      const page: Page = await json<Page>(`/api/search/query?term=&pageLimit=1${cursor ? `&pageCursor=${cursor}` : ''}`, 'jane');
      seen.push(...page.results.map((r) => r.document.location));
      expect(page.numberOfResults).toBe(expected.length);
      cursor = page.nextPageCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(expected.sort());
    expect(seen).toContain('/docs/default/component/payments/#ledger');
    // A filter naming the entity, or a type list, does not bring it back.
    const filtered = await json<Page>('/api/search/query?term=&filters[entityRef]=component:default/vault&types[0]=techdocs', 'jane');
    expect(filtered).toEqual({ results: [], numberOfResults: 0 });
  });

  test('techdocs: pages, assets, docs metadata, entity metadata and sync of the restricted entity are 404, as for a missing one', async () => {
    const routes = (name: string) => [
      `/api/techdocs/static/docs/default/component/${name}/index.html`,
      `/api/techdocs/static/docs/default/component/${name}/`,
      `/api/techdocs/static/docs/default/component/${name}/img/logo.svg`,
      `/api/techdocs/metadata/techdocs/default/component/${name}`,
      `/api/techdocs/metadata/entity/default/component/${name}`,
      `/api/techdocs/sync/default/component/${name}`,
    ];
    const [open, vault, ghost] = [routes('payments'), routes('vault'), routes('ghost')];
    for (let i = 0; i < open.length; i++) {
      const ok = await get(open[i]!, 'jane');
      expect(ok.status, open[i]).toBe(200);
      await ok.arrayBuffer();
      const admin = await get(vault[i]!, 'admin');
      expect(admin.status, vault[i]).toBe(200);
      await admin.arrayBuffer();
      const denied = await get(vault[i]!, 'jane');
      const missing = await get(ghost[i]!, 'jane');
      expect([denied.status, missing.status], vault[i]).toEqual([404, 404]);
      const body = async (r: Response) => {
        const b = (await r.json()) as { error: { name: string; message: string } };
        return [b.error.name, b.error.message.replaceAll('vault', 'X').replaceAll('ghost', 'X')];
      };
      expect(await body(denied), vault[i]).toEqual(await body(missing));
    }
    // The syncs that ran were audited with who asked, and the id of the request they answered.
    expect(audit.filter((e) => e.action === 'techdocs.sync').map((e) => [e.actor.subject, e.target, e.outcome])).toEqual([
      ['user:default/jane', 'component:default/payments', 'success'],
      ['user:default/admin', 'component:default/vault', 'success'],
    ]);
    const sync = await portal.request('/api/techdocs/sync/default/component/payments', {
      headers: { authorization: 'Bearer jane', 'x-request-id': 'req-techdocs-sync-1' },
    });
    expect(sync.status).toBe(200);
    await sync.arrayBuffer();
    expect(audit.filter((e) => e.action === 'techdocs.sync').map((e) => e.requestId)).toEqual([
      expect.any(String),
      expect.any(String),
      'req-techdocs-sync-1',
    ]);
  });

  test('scorecards: the restricted entity has no results for jane, and is not counted', async () => {
    const denied = await get('/api/scorecards/entities/component/default/vault', 'jane');
    const missing = await get('/api/scorecards/entities/component/default/ghost', 'jane');
    expect([denied.status, missing.status]).toEqual([404, 404]);
    expect((await get('/api/scorecards/entities/component/default/vault', 'admin')).status).toBe(200);
    const summary = (who: string) => json<{ total: number; worst: Array<{ entityRef: string }> }>('/api/scorecards/scorecards/readiness?worst=50', who);
    const all = await summary('admin');
    expect(all.worst.map((r) => r.entityRef)).toContain('component:default/vault');
    const janes = await summary('jane');
    expect(janes.total).toBe(all.total - 1);
    expect(janes.worst.map((r) => r.entityRef)).toEqual(all.worst.map((r) => r.entityRef).filter((r) => r !== 'component:default/vault'));
    const owners = await json<{ results: Array<{ entityRef: string }> }>('/api/scorecards/owners/group/default/team-a', 'jane');
    expect(owners.results.map((r) => r.entityRef)).toEqual(['component:default/payments']);
    // Anonymous may not even list scorecards; jane may, but not re-evaluate the vault.
    expect((await get('/api/scorecards/scorecards')).status).toBe(403);
    const evaluate = await portal.request('/api/scorecards/evaluate', {
      method: 'POST',
      headers: { authorization: 'Bearer jane', 'content-type': 'application/json', 'x-request-id': 'req-scorecards-1' },
      body: JSON.stringify({ entityRef: 'component:default/vault' }),
    });
    expect(evaluate.status).toBe(404);
    expect(audit.filter((e) => e.action === 'scorecards.evaluate').map((e) => [e.actor.subject, e.outcome, e.requestId])).toEqual([
      ['user:default/jane', 'denied', 'req-scorecards-1'],
    ]);
  });

  test('bad credentials are a 401 on every plugin route', async () => {
    for (const url of [
      '/api/search/query?term=ledger',
      '/api/techdocs/static/docs/default/component/payments/index.html',
      '/api/techdocs/metadata/techdocs/default/component/payments',
      '/api/techdocs/metadata/entity/default/component/payments',
      '/api/techdocs/sync/default/component/payments',
      '/api/scorecards/scorecards',
      '/api/scorecards/entities/component/default/payments',
      '/api/scorecards/owners/group/default/team-a',
    ]) {
      const res = await get(url, 'forged');
      expect(res.status, url).toBe(401);
      expect(((await res.json()) as { error: { name: string } }).error.name).toBe('AuthenticationError');
    }
  });
});

// Scorecard results of readable entities computed from entities jane may not read: a restricted
// dependency (ledger-db), a restricted owner group (keepers, with two members), and a restricted
// `kind: Scorecard` entity (secret-card). Her answers name none of them and carry none of their
// outcomes; `nosee` (scorecards.read DENY) gets a 403 on every results route.
describe('attacks through the portal: scorecard outcomes computed from hidden entities', () => {
  let dir: string;
  let portal: Portal;
  let scorecards: ReturnType<typeof scorecardsPlugin>['scorecards'];
  const hiddenNames = ['ledger-db', 'keepers', 'secret-card', 'bob', 'carol'];
  const restricted = '  labels:\n    restricted: "true"\n';
  const entity = (kind: string, name: string, spec: string, extra = '') =>
    `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  description: ${name}\n${extra}spec:\n${spec}`;
  const service = (owner: string, lifecycle: string, deps = '') => `  type: service\n  lifecycle: ${lifecycle}\n  owner: ${owner}\n${deps}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'permissions-scorecards-'));
    const file = path.join(dir, 'catalog-info.yaml');
    const docs = [
      entity('Group', 'team-a', '  type: team\n  children: []\n'),
      entity('User', 'alice', '  memberOf: [team-a]\n'),
      entity('User', 'dave', '  memberOf: [team-a]\n'),
      entity('Group', 'keepers', '  type: team\n  children: []\n', restricted),
      entity('User', 'bob', '  memberOf: [keepers]\n', restricted),
      entity('User', 'carol', '  memberOf: [keepers]\n', restricted),
      entity('Component', 'payments', service('team-a', 'production', '  dependsOn: [component:ledger-db]\n')),
      entity('Component', 'ledger-db', service('team-a', 'experimental'), restricted),
      entity('Component', 'billing', service('keepers', 'production')),
      `apiVersion: ${SCORECARD_API_VERSION}\nkind: Scorecard\nmetadata:\n  name: secret-card\n${restricted}spec:\n  appliesTo: { kind: Component }\n  levels:\n    - id: documented\n      checks: [has-description]\n`,
    ];
    await writeFile(file, docs.join('---\n'));
    const catalog = catalogPlugin({
      rootDir: dir,
      kinds: [...builtinKinds, scorecardKind],
      rules: [{ allow: ['Component', 'Group', 'User', 'Location', 'Scorecard'] }],
    });
    const auth = createPortalAuth({
      identify: (request) => {
        const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
        if (token === undefined) return anonymousPrincipal();
        if (!['jane', 'admin', 'nosee'].includes(token)) throw new AuthenticationError('invalid token');
        return { type: 'user', subject: `user:default/${token}`, ownershipEntityRefs: [], claims: {} };
      },
      policy: (principal, permission) => {
        if (principal.subject === 'user:default/admin' || principal.subject === 'host') return { result: 'ALLOW' };
        if (permission.name === scorecardsReadPermission.name) return { result: principal.subject === 'user:default/nosee' ? 'DENY' : 'ALLOW' };
        if (permission.name === catalogEntityReadPermission.name) {
          return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
        }
        return { result: 'ALLOW' };
      },
      audit: () => undefined,
    });
    const plugin = scorecardsPlugin({
      catalog: catalog.catalog,
      trustedLocations: [{ type: 'file', target: file }],
      scorecards: [
        defineScorecard({
          id: 'readiness',
          appliesTo: { kind: 'Component' },
          levels: [
            { id: 'bronze', checks: [hasDescription()] },
            { id: 'silver', checks: [dependenciesInProduction(), ownerHasMembers({ min: 2 })] },
          ],
        }),
      ],
    });
    scorecards = plugin.scorecards;
    portal = createPortal({ auth, logger: createLogger({ sink: memorySink() }), plugins: [catalog, plugin] });
    await portal.start();
    await catalog.catalog.addLocation({ type: 'file', target: file });
    await scorecards.evaluate();
  });

  afterAll(async () => {
    await portal.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, user: string) => portal.request(`/api/scorecards${url}`, { headers: { authorization: `Bearer ${user}` } });
  const json = async <T>(url: string, user: string): Promise<T> => {
    const res = await get(url, user);
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  };
  type Results = { latest: ScorecardResult[]; history: Array<{ scorecardId: string }> };
  const namesHidden = (body: unknown) => hiddenNames.filter((name) => JSON.stringify(body).includes(name));

  test('a hidden dependency: its outcome is withheld, the level is from the visible checks, the history is left out', async () => {
    const admin = await json<Results>('/entities/component/default/payments', 'admin');
    const hostReadiness = admin.latest.find((r) => r.scorecardId === 'readiness')!;
    expect(hostReadiness.checks.find((c) => c.checkId === 'dependencies-in-production')).toMatchObject({
      status: 'fail',
      message: 'component:default/ledger-db is experimental',
    });
    expect(hostReadiness.level).toBe('bronze');
    expect(admin.latest.map((r) => r.scorecardId)).toContain('scorecard:default/secret-card');
    expect(admin.history.length).toBeGreaterThan(0);

    const jane = await json<Results>('/entities/component/default/payments', 'jane');
    expect(namesHidden(jane)).toEqual([]);
    expect(jane.latest.map((r) => r.scorecardId)).toEqual(['readiness']);
    const readiness = jane.latest[0]!;
    expect(readiness.checks.map((c) => [c.checkId, c.status, c.message])).toEqual([
      ['has-description', 'pass', expect.any(String)],
      ['dependencies-in-production', 'unknown', WITHHELD_CHECK_MESSAGE],
      ['owner-has-members', 'pass', 'group:default/team-a has 2 members'],
    ]);
    expect([readiness.level, readiness.levelIndex, readiness.percentage]).toEqual(['silver', 1, 100]);
    expect(readiness.dependencies).toEqual(['group:default/team-a']);
    expect(jane.history).toEqual([]);
  });

  test('a hidden owner group: its member count is withheld, its ref is not shown, its owner results are 404 as for an unknown one', async () => {
    const admin = await json<Results>('/entities/component/default/billing', 'admin');
    expect(admin.latest.find((r) => r.scorecardId === 'readiness')!.checks.map((c) => c.message)).toContain('group:default/keepers has 2 members');
    const jane = await json<Results>('/entities/component/default/billing', 'jane');
    expect(namesHidden(jane)).toEqual([]);
    const readiness = jane.latest.find((r) => r.scorecardId === 'readiness')!;
    expect(readiness.ownerRef).toBeUndefined();
    expect(readiness.checks.find((c) => c.checkId === 'owner-has-members')).toEqual({
      checkId: 'owner-has-members',
      level: 'silver',
      weight: 1,
      status: 'unknown',
      message: WITHHELD_CHECK_MESSAGE,
    });

    expect((await json<{ results: ScorecardResult[] }>('/owners/group/default/keepers', 'admin')).results.map((r) => r.entityRef)).toContain(
      'component:default/billing',
    );
    const denied = await get('/owners/group/default/keepers', 'jane');
    const missing = await get('/owners/group/default/ghosts', 'jane');
    expect([denied.status, missing.status]).toEqual([404, 404]);
    const message = async (r: Response) => ((await r.json()) as { error: { message: string } }).error.message.replace(/keepers|ghosts/, 'X');
    expect(await message(denied)).toBe(await message(missing));
    const own = await json<{ results: ScorecardResult[] }>('/owners/group/default/team-a', 'jane');
    expect(own.results.map((r) => r.entityRef)).toEqual(['component:default/payments']);
    expect(namesHidden(own)).toEqual([]);
  });

  test('a hidden Scorecard entity: no summary (404 as unknown), no listing, no results or history anywhere', async () => {
    expect((await get('/scorecards/secret-card', 'admin')).status).toBe(200);
    const denied = await get('/scorecards/secret-card', 'jane');
    const missing = await get('/scorecards/ghost-card', 'jane');
    expect([denied.status, missing.status]).toEqual([404, 404]);
    const list = await json<unknown>('/scorecards', 'jane');
    const summary = await json<{ worst: ScorecardResult[]; total: number }>('/scorecards/readiness?worst=100', 'jane');
    expect(summary.worst.map((r) => r.entityRef).sort()).toEqual(['component:default/billing', 'component:default/payments']);
    for (const body of [list, summary, ...(await Promise.all(['payments', 'billing'].map((n) => json(`/entities/component/default/${n}`, 'jane'))))]) {
      expect(namesHidden(body)).toEqual([]);
    }
    // The library view is the same.
    const view = scorecards.forPrincipal({ type: 'user', subject: 'user:default/jane', ownershipEntityRefs: [], claims: {} });
    await expect(view.getScorecardSummary('secret-card')).rejects.toThrow(/No scorecard/);
    expect(namesHidden(await view.getEntityResults('component:default/payments'))).toEqual([]);
  });

  test('scorecards.read DENY: every results route is a 403, for readable entities too', async () => {
    for (const url of [
      '/scorecards',
      '/scorecards/readiness',
      '/entities/component/default/payments',
      '/entities/component/default/ledger-db',
      '/owners/group/default/team-a',
      '/owners/group/default/keepers',
    ]) {
      expect((await get(url, 'nosee')).status, url).toBe(403);
      expect((await get(url, 'admin')).status, url).toBe(200);
    }
  });
});
