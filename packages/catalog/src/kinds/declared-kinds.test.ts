import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { createCatalog, memoryStore, pgliteStore, postgresStore } from '../index.js';
import type { Catalog, CatalogOptions, CatalogStore } from '../index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'portalkit-declared-kinds-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const write = (file: string, text: string) => writeFile(path.join(root, file), text);
const open = (options: CatalogOptions = {}) =>
  createCatalog({ rootDir: root, locations: [{ type: 'file', target: './kinds.yaml' }, { type: 'file', target: './widgets.yaml' }], ...options });
const errorsOf = async (catalog: Catalog, ref: string) => (await catalog.getProcessingErrors()).find((r) => r.entityRef === ref)?.errors ?? [];

const WIDGET_KIND = `apiVersion: portalkit.dev/v1alpha1
kind: KindDefinition
metadata:
  name: widget
spec:
  kind: Widget
  apiVersions: [example.com/v1]
  schema:
    type: object
    required: [owner, tier]
    properties:
      owner: { type: string, minLength: 1 }
      tier: { enum: [gold, silver] }
      uses: { type: array, items: { type: string } }
  relations:
    - { field: owner, defaultKind: Group, outgoing: ownedBy, incoming: ownerOf }
    - { field: uses, defaultKind: Widget, outgoing: dependsOn, incoming: dependencyOf }
  facets: [spec.tier]
  columns: [{ title: Tier, field: spec.tier }]
`;

const WIDGETS = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: sprocket
spec:
  owner: team-a
  tier: gold
  uses: [cog]
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: cog
spec:
  owner: team-b
  tier: platinum
`;

describe('kinds declared in YAML (kind: KindDefinition)', () => {
  it('apply to validation (file:line), relations both ways and facets in the same refresh, with no code', async () => {
    await write('kinds.yaml', WIDGET_KIND);
    await write('widgets.yaml', WIDGETS);
    const catalog = open();
    await catalog.refresh();
    const sprocket = await catalog.getEntityByRef('widget:default/sprocket');
    expect(sprocket?.relations?.map((r) => `${r.type} ${r.targetRef}`).sort()).toEqual(['dependsOn widget:default/cog', 'ownedBy group:default/team-a']);
    expect(await catalog.getEntityByRef('widget:default/cog')).toBeUndefined();
    const [error] = await errorsOf(catalog, 'widget:default/cog');
    expect(error).toMatchObject({ file: 'widgets.yaml', line: 16, path: 'spec.tier', rule: 'enum' });
    expect(error!.message).toContain('widgets.yaml:16');
    const { facets } = await catalog.getEntityFacets({ facets: ['spec.tier'], filter: { kind: 'widget' } });
    expect(facets['spec.tier']).toEqual([{ value: 'gold', count: 1 }]);

    await write('widgets.yaml', WIDGETS.replace('platinum', 'silver'));
    await catalog.refresh();
    const cog = await catalog.getEntityByRef('widget:default/cog');
    expect(cog?.relations?.map((r) => `${r.type} ${r.targetRef}`).sort()).toEqual(['dependencyOf widget:default/sprocket', 'ownedBy group:default/team-b']);
  });

  it('a definition that disappears makes its entities fail at the next processing, naming it; nothing crashes', async () => {
    await write('kinds.yaml', WIDGET_KIND);
    await write('widgets.yaml', WIDGETS.replace('platinum', 'silver'));
    const catalog = open();
    await catalog.refresh();
    expect(await catalog.getEntityByRef('widget:default/cog')).toBeDefined();
    // Dropped from its file the definition turns orphan (kept, as Backstage keeps orphans); deleting the orphan removes it.
    await write('kinds.yaml', '');
    await catalog.refresh();
    const orphan = await catalog.getEntityByRef('kinddefinition:default/widget');
    expect(orphan?.metadata.annotations?.['backstage.io/orphan']).toBe('true');
    await catalog.removeEntityByUid(orphan!.metadata.uid!);
    await catalog.refresh();
    expect(await catalog.getEntityByRef('kinddefinition:default/widget')).toBeUndefined();
    const [error] = await errorsOf(catalog, 'widget:default/cog');
    expect(error).toMatchObject({ file: 'widgets.yaml', path: 'kind', rule: 'unknown-kind' });
    expect(error!.message).toContain('it was declared by kinddefinition:default/widget, which no longer exists');
    // Declared again: valid again.
    await write('kinds.yaml', WIDGET_KIND);
    await catalog.refresh();
    expect(await errorsOf(catalog, 'widget:default/cog')).toEqual([]);
  });

  it('malformed definitions and definitions of built-in kinds fail at their own file:line; the catalog keeps working', async () => {
    await write(
      'kinds.yaml',
      [
        WIDGET_KIND.replace('name: widget', 'name: component').replace('kind: Widget', 'kind: Component'),
        WIDGET_KIND.replace('name: widget', 'name: evil').replace('kind: Widget', 'kind: Gadget').replace('minLength: 1', 'pattern: "^(a+)+$"'),
        WIDGET_KIND.replace('name: widget', 'name: loop').replace('kind: Widget', 'kind: Loop').replace('    type: object\n', '    $ref: "#/definitions/a"\n    definitions: { a: { $ref: "#/definitions/b" }, b: { $ref: "#/definitions/a" } }\n'),
      ].join('---\n'),
    );
    await write('widgets.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: fine }\nspec: { type: service, lifecycle: production, owner: team-a }\n');
    const catalog = open();
    await catalog.refresh();
    expect(await catalog.getEntityByRef('component:default/fine')).toBeDefined();
    expect(await errorsOf(catalog, 'kinddefinition:default/component')).toEqual([
      expect.objectContaining({ file: 'kinds.yaml', line: 6, path: 'spec.kind', rule: 'reserved-kind' }),
    ]);
    expect(await errorsOf(catalog, 'kinddefinition:default/evil')).toEqual([
      expect.objectContaining({ file: 'kinds.yaml', path: 'spec.schema.properties.owner.pattern', rule: 'kind-schema' }),
    ]);
    const [loop] = await errorsOf(catalog, 'kinddefinition:default/loop');
    expect(loop?.message).toContain('$ref cycle');
    expect((await catalog.getEntities({ filter: { kind: 'kinddefinition' } })).items).toEqual([]);
  });

  it('a definition edited into an invalid one fails at its file:line; its last valid version, and its kind, stay', async () => {
    await write('kinds.yaml', WIDGET_KIND);
    await write('widgets.yaml', WIDGETS.replace('platinum', 'silver'));
    const catalog = open();
    await catalog.refresh();
    await write('kinds.yaml', WIDGET_KIND.replace('minLength: 1', 'pattern: "^(a+)+$"'));
    await catalog.refresh();
    expect(await errorsOf(catalog, 'kinddefinition:default/widget')).toEqual([expect.objectContaining({ file: 'kinds.yaml', rule: 'kind-schema' })]);
    expect(await catalog.getEntityByRef('kinddefinition:default/widget')).toBeDefined();
    expect(await errorsOf(catalog, 'widget:default/cog')).toEqual([]);
    expect(await catalog.getEntityByRef('widget:default/cog')).toBeDefined();
  });

  it('a host can turn declared kinds off: KindDefinition is then an unknown kind', async () => {
    await write('kinds.yaml', WIDGET_KIND);
    await write('widgets.yaml', WIDGETS);
    const catalog = open({ declaredKinds: false });
    await catalog.refresh();
    expect((await errorsOf(catalog, 'kinddefinition:default/widget'))[0]?.rule).toBe('unknown-kind');
    expect((await errorsOf(catalog, 'widget:default/sprocket'))[0]?.rule).toBe('unknown-kind');
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
  describe.skipIf(backend.skip)(`declared kinds on ${backend.name}`, () => {
    it('a new catalog process on the same store knows the stored kinds before its first refresh of one entity', async () => {
      await write('kinds.yaml', WIDGET_KIND);
      await write('widgets.yaml', WIDGETS.replace('platinum', 'silver'));
      const store = backend.open();
      await open({ store }).refresh();
      // Another process: its first refresh is of one entity, which must be judged by the stored kinds.
      await write('widgets.yaml', WIDGETS.replace('platinum', 'silver').replace('owner: team-b', 'owner: team-c'));
      await write('kinds.yaml', `${WIDGET_KIND}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: late }\nspec: { type: service, lifecycle: production, owner: team-a }\n`);
      const second = open({ store });
      await second.refresh({ entityRef: 'widget:default/cog' });
      expect(await errorsOf(second, 'widget:default/cog')).toEqual([]);
      const cog = await second.getEntityByRef('widget:default/cog');
      expect(cog?.relations?.map((r) => `${r.type} ${r.targetRef}`)).toContain('ownedBy group:default/team-c');
      // Judged right the first time: no second pass over everything was needed (it would have read this).
      expect(await second.getEntityByRef('component:default/late')).toBeUndefined();
    });
  });
}
