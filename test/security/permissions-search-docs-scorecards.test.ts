import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalogPlugin } from '@portalkit/catalog';
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
import { defineScorecard, hasDescription, hasOwner, scorecardsPlugin } from '@portalkit/scorecards';

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
