import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUrlReader, requestHandler } from '@portalkit/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { createCatalog, memoryStore, pgliteStore, postgresStore } from '../index.js';
import type { Catalog, CatalogOptions, CatalogStore, EntityProcessor, ProcessingErrorReport } from '../index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'portalkit-catalog-rules-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const write = async (file: string, text: string) => {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
};
const open = (options: CatalogOptions = {}) => createCatalog({ rootDir: root, ...options });
const refs = async (catalog: Catalog) => (await catalog.getEntities()).items.map((e) => `${e.kind.toLowerCase()}:${e.metadata.name}`).sort();
const refusals = (reports: ProcessingErrorReport[]) =>
  reports.flatMap((r) => r.errors.filter((e) => e.rule === 'catalog-rules').map((e) => ({ on: r.entityRef, file: e.file, line: e.line, message: e.message })));

const doc = (kind: string, name: string, spec = '{ type: service, owner: team-a, lifecycle: production }') =>
  `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec: ${spec}\n`;

// Seven documents, written by the worst catalog-YAML author: kinds in every case.
const MIXED = [
  doc('Component', 'shop'), // kind on line 2
  doc('group', 'admins', '{ type: team, children: [] }'), // line 8
  doc('GROUP', 'root-admins', '{ type: team, children: [] }'), // line 14
  doc('User', 'mallory', '{ memberOf: [admins] }'), // line 20
  doc('Template', 'evil', '{ type: service, steps: [] }'), // line 26
  doc('System', 'core', '{ owner: team-a }'), // line 32
  doc('API', 'shop-api', '{ type: openapi, lifecycle: production, owner: team-a, definition: x }'), // line 38
].join('---\n');

describe('catalog rules: locations registered through addLocation (Backstage default Component, API, Location)', () => {
  it('refuses every other kind, whatever its case, at its file:line, and lands the allowed documents of the same file', async () => {
    await write('repo/catalog-info.yaml', MIXED);
    const catalog = open();
    const { location, entities } = await catalog.addLocation({ type: 'file', target: './repo/catalog-info.yaml' });
    expect(entities.map((e) => e.metadata.name).sort()).toEqual([location.entityRef.split('/')[1], 'shop', 'shop-api'].sort());
    expect(await refs(catalog)).toEqual(['api:shop-api', 'component:shop', `location:${location.entityRef.split('/')[1]}`]);

    const errors = refusals(await catalog.getProcessingErrors());
    expect(errors.map((e) => [e.on, e.file, e.line])).toEqual([
      [location.entityRef, 'repo/catalog-info.yaml', 8],
      [location.entityRef, 'repo/catalog-info.yaml', 14],
      [location.entityRef, 'repo/catalog-info.yaml', 20],
      [location.entityRef, 'repo/catalog-info.yaml', 26],
      [location.entityRef, 'repo/catalog-info.yaml', 32],
    ]);
    expect(errors[0]!.message).toBe(
      `repo/catalog-info.yaml:8: entity group:default/admins kind group is not allowed from file:${root}/repo/catalog-info.yaml; its catalog rules allow Component, API, Location`,
    );
    // The error is on the Location entity that read the file, as every API caller sees it.
    const located = await catalog.getEntityByRef(location.entityRef);
    expect(located?.status?.items?.map((i) => i.error?.name)).toEqual(Array(5).fill('NotAllowedError'));
  });

  it('a nested Location inherits the registered location rules: its users are refused on it, with their file:line', async () => {
    await write('repo/catalog-info.yaml', `${doc('Component', 'shop')}---\n${doc('Location', 'people', '{ targets: [./people/*.yaml] }')}`);
    await write('repo/people/a.yaml', `${doc('User', 'alice', '{ memberOf: [] }')}---\n${doc('Component', 'tool')}`);
    const catalog = open();
    await catalog.addLocation({ type: 'file', target: './repo/catalog-info.yaml' });
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:generated'))).toEqual(['component:shop', 'component:tool', 'location:people']);
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.on, e.file, e.line])).toEqual([['location:default/people', 'repo/people/a.yaml', 2]]);
  });

  it('a dry run reports the refusal and stores nothing; HTTP registration refuses the same way', async () => {
    await write('repo/catalog-info.yaml', MIXED);
    const catalog = open();
    await expect(catalog.addLocation({ type: 'file', target: './repo/catalog-info.yaml' }, { dryRun: true })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('repo/catalog-info.yaml:8: entity group:default/admins kind group is not allowed'),
    });
    expect([await catalog.getLocations(), await refs(catalog)]).toEqual([[], []]);

    const handler = catalog.handler({ basePath: '/api/catalog' });
    const post = (dryRun: boolean) =>
      requestHandler(handler, `/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'file', target: './repo/catalog-info.yaml' }),
      });
    const dry = await post(true);
    expect([dry.status, (await dry.json()).error.message]).toEqual([400, expect.stringContaining('entity user:default/mallory kind User is not allowed')]);
    const created = await post(false);
    expect(created.status).toBe(201);
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:'))).toEqual(['api:shop-api', 'component:shop']);
    // HTTP callers see the refusals in the status of the Location entity that read the file.
    const name = (await created.json()).location.entityRef.split('/')[1];
    const located = await (await requestHandler(handler, `/api/catalog/entities/by-name/location/default/${name}`)).json();
    expect(located.status.items.map((i: { error: { message: string } }) => i.error.message)).toEqual([
      expect.stringContaining('repo/catalog-info.yaml:8: entity group:default/admins'),
      expect.stringContaining('repo/catalog-info.yaml:14: entity group:default/root-admins kind GROUP'),
      expect.stringContaining('repo/catalog-info.yaml:20: entity user:default/mallory'),
      expect.stringContaining('repo/catalog-info.yaml:26: entity template:default/evil'),
      expect.stringContaining('repo/catalog-info.yaml:32: entity system:default/core'),
    ]);
  });

  it('updateLocation applies the rules to the new target', async () => {
    await write('a.yaml', doc('Component', 'a'));
    await write('b.yaml', `${doc('Component', 'b')}---\n${doc('User', 'eve', '{ memberOf: [] }')}`);
    const catalog = open();
    const { location } = await catalog.addLocation({ type: 'file', target: './a.yaml' });
    const updated = await catalog.updateLocation(location.id, { type: 'file', target: './b.yaml' });
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:'))).toEqual(['component:b']);
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.on, e.file, e.line])).toEqual([[updated.entityRef, 'b.yaml', 8]]);
  });

  it('checks what processors emit and what they turn an entity into', async () => {
    await write('repo.yaml', doc('Component', 'shop'));
    // A host processor that derives entities from registered YAML: they answer to the rules too.
    const deriving: EntityProcessor = {
      name: 'deriving',
      async postProcess(entity, _location, emit) {
        if (entity.kind === 'Component') emit.entity({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: `${entity.metadata.name}-bot` }, spec: { memberOf: [] } });
        return entity;
      },
    };
    const catalog = open({ processors: [deriving] });
    await catalog.addLocation({ type: 'file', target: './repo.yaml' });
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:'))).toEqual(['component:shop']);
    expect(refusals(await catalog.getProcessingErrors())).toEqual([
      expect.objectContaining({ on: 'component:default/shop', message: expect.stringContaining('entity user:default/shop-bot kind User is not allowed') }),
    ]);

    // A processor turning an allowed Component into a Group after the check at emission.
    await write('other.yaml', doc('Component', 'sneaky'));
    const rewriting: EntityProcessor = {
      name: 'rewriting',
      async preProcess(entity) {
        return entity.metadata.name === 'sneaky' ? { ...entity, kind: 'Group', spec: { type: 'team', children: [] } } : entity;
      },
    };
    const second = open({ processors: [rewriting] });
    await second.addLocation({ type: 'file', target: './other.yaml' });
    expect((await refs(second)).filter((r) => !r.startsWith('location:'))).toEqual([]);
    const [report] = (await second.getProcessingErrors()).filter((r) => r.entityRef === 'component:default/sneaky');
    expect(report).toMatchObject({ served: false, errors: [{ name: 'NotAllowedError', rule: 'catalog-rules', file: 'other.yaml', line: 2 }] });
  });

  it('validateEntity checks an entity on its own, without catalog rules (Backstage validate-entity)', async () => {
    const catalog = open();
    const user = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'u' }, spec: { memberOf: [] } };
    expect(await catalog.validateEntity(user, 'url:https://example.com/catalog-info.yaml')).toEqual({ valid: true });
  });
});

describe('catalog rules: host configuration', () => {
  it('configured locations are trusted while the host gives no rules; their own rules restrict them and their nested locations', async () => {
    await write('org/org.yaml', `${doc('Group', 'team-a', '{ type: team, children: [] }')}---\n${doc('Location', 'more-people', '{ target: ./more.yaml }')}---\n${doc('System', 'org-system', '{ owner: team-a }')}`);
    await write('org/more.yaml', doc('User', 'bob', '{ memberOf: [team-a] }'));
    await write('all/all.yaml', `${doc('System', 'core', '{ owner: team-a }')}---\n${doc('Domain', 'd', '{ owner: team-a }')}`);
    const catalog = open({
      locations: [
        { type: 'file', target: './org/org.yaml', rules: [{ allow: ['User', 'Group'] }] },
        { type: 'file', target: './all/all.yaml' },
      ],
    });
    await catalog.refresh();
    // org.yaml: its own rules plus Backstage's default; more.yaml inherits them; all.yaml is unrestricted.
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:generated'))).toEqual([
      'domain:d',
      'group:team-a',
      'location:more-people',
      'system:core',
      'user:bob',
    ]);
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.file, e.line])).toEqual([['org/org.yaml', 14]]);
    // The same file registered through the API answers to the default.
    await write('copy/org.yaml', doc('Group', 'team-b', '{ type: team, children: [] }'));
    await catalog.addLocation({ type: 'file', target: './copy/org.yaml' });
    expect(await catalog.getEntityByRef('group:default/team-b')).toBeUndefined();
  });

  it('host rules replace the default everywhere, with location patterns matched against the origin', async () => {
    await write('systems/core.yaml', doc('System', 'core', '{ owner: team-a }'));
    await write('services/shop.yaml', `${doc('System', 'shadow', '{ owner: team-a }')}---\n${doc('Component', 'shop')}`);
    await write('config/org.yaml', `${doc('Group', 'team-a', '{ type: team, children: [] }')}---\n${doc('Component', 'c')}`);
    const catalog = open({
      locations: [{ type: 'file', target: './config/org.yaml' }],
      rules: [{ allow: ['Component'] }, { allow: [{ kind: 'system' }], locations: [{ type: 'file', pattern: './SYSTEMS/*.yaml' }] }],
    });
    await catalog.addLocation({ type: 'file', target: './systems/core.yaml' });
    await catalog.addLocation({ type: 'file', target: './services/shop.yaml' });
    await catalog.refresh();
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:'))).toEqual(['component:c', 'component:shop', 'system:core']);
    // Sorted: the errors are listed by the (hashed) generated Location entity's ref.
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.file, e.line]).sort()).toEqual([
      ['config/org.yaml', 2],
      ['services/shop.yaml', 2],
    ]);
  });

  it('allow entries narrow by spec.type', async () => {
    await write('db.yaml', `${doc('Resource', 'db', '{ type: database, owner: team-a }')}---\n${doc('Resource', 'bucket', '{ type: s3-bucket, owner: team-a }')}`);
    const catalog = open({ rules: [{ allow: ['Location', { kind: 'Resource', 'spec.type': 'database' }] }] });
    await catalog.addLocation({ type: 'file', target: './db.yaml' });
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:'))).toEqual(['resource:db']);
    expect(refusals(await catalog.getProcessingErrors())[0]?.message).toContain('its catalog rules allow Location, Resource (spec.type database)');
  });

  it("a provider's own entities are host code and never checked", async () => {
    const catalog = open({
      providers: [
        {
          name: 'org',
          async connect(connection) {
            await connection.applyMutation({ type: 'full', entities: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ldap-user' }, spec: { memberOf: [] } }] });
          },
        },
      ],
    });
    await catalog.refresh();
    expect(await refs(catalog)).toEqual(['user:ldap-user']);
  });

  it('rejects invalid rules at creation, naming the path', () => {
    const cases: [CatalogOptions, string][] = [
      [{ rules: [{ allow: 'Component' as never }] }, 'rules[0].allow'],
      [{ rules: [{ allow: ['Component', ''] }] }, 'rules[0].allow[1]'],
      [{ rules: [{ alow: ['Component'] } as never] }, 'rules[0]'],
      [{ rules: {} as never }, 'rules'],
      [{ rules: [{ allow: ['API'], locations: [{ type: 'url', exact: 'https://x/a.yaml', pattern: 'https://x/*' }] }] }, 'rules[0].locations[0]'],
      [{ rules: [{ allow: ['API'], locations: [{ target: 'x' } as never] }] }, 'rules[0].locations[0].type'],
      [{ locations: [{ type: 'file', target: './a.yaml', rules: [{ allow: [{ kind: 3 } as never] }] }] }, 'locations[0].rules[0].allow[0]'],
      [{ locations: [{ type: 'file', target: './a.yaml', rules: [{ allow: ['User'], locations: [] } as never] }] }, 'locations[0].rules[0]'],
    ];
    for (const [options, where] of cases) {
      expect(() => open(options), where).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringContaining(`createCatalog: invalid catalog rules: ${where}`) }));
    }
  });
});

describe('catalog rules: url locations served over HTTP, and what a discovery provider points at', () => {
  const files: Record<string, string> = {
    '/repo/catalog-info.yaml': `${doc('Component', 'web')}---\n${doc('Location', 'repo-people', '{ target: ./people.yaml }')}`,
    '/repo/people.yaml': `${doc('Component', 'helper')}---\n${doc('USER', 'intruder', '{ memberOf: [] }')}`,
    '/org/org.yaml': doc('Group', 'platform', '{ type: team, children: [] }'),
  };
  let base = '';
  const server = createServer((request, response) => {
    const body = files[request.url ?? ''];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/yaml' }).end(body ?? 'not found');
  });
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });
  const reader = () => createUrlReader({ http: { allow: [{ host: base.slice('http://'.length) }], timeoutMs: 5_000 } });

  it('a registered url location and its nested url location answer to the default; a configured one (any spelling) to its own rules', async () => {
    const catalog = open({
      reader: reader(),
      locations: [{ type: 'url', target: `${base.replace('http', 'HTTP')}/org/./org.yaml`, rules: [{ allow: ['Group'] }] }],
    });
    await catalog.refresh();
    await catalog.addLocation({ type: 'url', target: `${base}/repo/catalog-info.yaml` });
    expect((await refs(catalog)).filter((r) => !r.startsWith('location:generated'))).toEqual(['component:helper', 'component:web', 'group:platform', 'location:repo-people']);
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.on, e.file, e.line])).toEqual([['location:default/repo-people', `${base}/repo/people.yaml`, 8]]);
  });

  it("a discovery provider's Location is host code, the files it points at are not: they get the default", async () => {
    const origin = `url:${base}/repo/catalog-info.yaml`;
    const discovered = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name: 'discovered', annotations: { 'backstage.io/managed-by-location': origin, 'backstage.io/managed-by-origin-location': origin } },
      spec: { type: 'url', target: `${base}/repo/people.yaml` },
    };
    const catalog = open({ reader: reader(), providers: [{ name: 'discovery', connect: (c) => c.applyMutation({ type: 'full', entities: [discovered] }) }] });
    await catalog.refresh();
    expect(await refs(catalog)).toEqual(['component:helper', 'location:discovered']);
    expect(refusals(await catalog.getProcessingErrors()).map((e) => [e.on, e.line])).toEqual([['location:default/discovered', 8]]);
  });
});

const skipPostgres = await postgresSkipReason();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});
const stores: { name: string; open: () => CatalogStore; skip: string | false }[] = [
  { name: 'memory', open: () => memoryStore(), skip: false },
  { name: 'pglite', open: () => pgliteStore(), skip: false },
  {
    name: 'postgres',
    open: () => {
      const schema = randomSchema();
      schemas.push(schema);
      return postgresStore({ connectionString: pgUrl, schema });
    },
    skip: skipPostgres,
  },
];

for (const backend of stores) {
  describe.skipIf(backend.skip)(`catalog rules on ${backend.name}: a rule change keeps what is stored (as Backstage keeps it)`, () => {
    it('an entity allowed before and refused now stays as it was, with the refusal on its location; its neighbours update', async () => {
      await write('repo.yaml', `${doc('Component', 'shop')}---\n${doc('Group', 'ops', '{ type: team, children: [] }')}`);
      const store = backend.open();
      try {
        const before = open({ store, rules: [{ allow: ['Component', 'Location', 'Group'] }] });
        const { location } = await before.addLocation({ type: 'file', target: './repo.yaml' });
        const group = await before.getEntityByRef('group:default/ops');
        expect(group).toBeDefined();

        await write('repo.yaml', `${doc('Component', 'shop', '{ type: website, owner: team-a, lifecycle: production }')}---\n${doc('Group', 'ops', '{ type: department, children: [] }')}`);
        const after = open({ store });
        await after.refresh();
        await after.refresh({ entityRef: 'group:default/ops' });
        expect((await after.getEntityByRef('component:default/shop'))?.spec?.type).toBe('website');
        const kept = await after.getEntityByRef('group:default/ops');
        expect(kept).toEqual(group);
        expect(kept?.metadata.annotations?.['backstage.io/orphan']).toBeUndefined();
        expect(refusals(await after.getProcessingErrors()).map((e) => [e.on, e.file, e.line])).toEqual([[location.entityRef, 'repo.yaml', 8]]);

        // Unregistering it drops it for good: the location no longer brings it back.
        await after.removeEntityByUid(kept!.metadata.uid!);
        await after.refresh();
        expect(await after.getEntityByRef('group:default/ops')).toBeUndefined();
        expect(await after.getEntityByRef('component:default/shop')).toBeDefined();
        await after.removeLocation(location.id);
        expect(await refs(after)).toEqual([]);
      } finally {
        await (store as { close?: () => Promise<void> }).close?.();
      }
    });
  });
}
