import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import type { EntityProcessor } from '@portalkit/catalog';
import { createAction } from '@portalkit/scaffolder';
import { createTestPortal } from '@portalkit/testing';
import type { TestPortal } from '@portalkit/testing';

const open: TestPortal[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});
async function portalWith(...args: Parameters<typeof createTestPortal>): Promise<TestPortal> {
  const portal = await createTestPortal(...args);
  open.push(portal);
  return portal;
}

const teamYaml = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: jane }
spec: { memberOf: [team-a] }
`;

const component = (name: string, owner = 'team-a') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const serviceTemplate = `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: create-service, title: Create a service }
spec:
  owner: team-a
  type: service
  parameters:
    - required: [name]
      properties:
        name: { type: string, pattern: '^[a-z][a-z0-9-]*$' }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: { name: '\${{ parameters.name }}' }
    - id: log
      action: debug:log
      input: { message: 'made \${{ parameters.name }}' }
  output:
    name: \${{ parameters.name }}
`;

describe('createTestPortal', () => {
  it('seeds the catalog from entity objects and YAML text and runs them through the processors', async () => {
    const tagger: EntityProcessor = {
      name: 'tagger',
      preProcess: (entity) => ({ ...entity, metadata: { ...entity.metadata, tags: ['seen'] } }),
    };
    const portal = await portalWith({ entities: [teamYaml, component('orders')], processors: [tagger] });

    const { items } = await portal.catalog.query({ filter: { kind: 'component' } });
    expect(items.map((e) => e.metadata.name)).toEqual(['orders']);
    expect(items[0]!.metadata.tags).toEqual(['seen']);
    const team = await portal.catalog.getEntityByRef('group:default/team-a');
    expect(team?.relations).toEqual(
      expect.arrayContaining([
        { type: 'hasMember', targetRef: 'user:default/jane' },
        { type: 'ownerOf', targetRef: 'component:default/orders' },
      ]),
    );
  });

  it('reads top-level YAML files, follows Location entities into folders and reports processing errors', async () => {
    const portal = await portalWith({
      files: {
        'catalog-info.yaml': `
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: root }
spec: { targets: [./services/orders.yaml] }
`,
        'org.yaml': teamYaml,
        'services/orders.yaml': `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: orders }
spec: { type: service, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: broken }
spec: { type: service, owner: team-a }
`,
        // Not at the top level and not referenced: must not be read.
        'skeleton/catalog-info.yaml': 'kind: [not an entity',
      },
    });
    const names = (await portal.catalog.getEntities({ filter: { kind: ['component', 'group', 'user'] } })).items
      .map((e) => e.metadata.name)
      .sort();
    expect(names).toEqual(['jane', 'orders', 'team-a']);
    const errors = await portal.processingErrors();
    expect(errors.map((e) => e.entityRef)).toEqual(['component:default/broken']);
    expect(errors[0]!.errors[0]!.message).toContain('lifecycle');
  });

  it('registers the given locations, copies fixtures and rereads changed files on refresh', async () => {
    const fixtures = await mkdtemp(path.join(os.tmpdir(), 'portalkit-fixtures-'));
    try {
      await mkdir(path.join(fixtures, 'org'));
      await writeFile(path.join(fixtures, 'org', 'teams.yaml'), teamYaml);
      const portal = await portalWith({ fixtures: [fixtures], locations: ['./org/*.yaml'] });
      expect((await portal.catalog.getEntityByRef('user:jane'))?.spec).toEqual({ memberOf: ['team-a'] });

      await portal.writeFile('org/teams.yaml', teamYaml.replace('memberOf: [team-a]', 'memberOf: []'));
      await portal.catalog.refresh();
      expect((await portal.catalog.getEntityByRef('user:jane'))?.spec).toEqual({ memberOf: [] });
    } finally {
      await rm(fixtures, { recursive: true, force: true });
    }
  });

  it('runs a template read from the catalog and returns status, output, log and workspace files', async () => {
    const portal = await portalWith({
      files: {
        'catalog-info.yaml': `
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: templates }
spec: { targets: [./templates/create-service/template.yaml] }
`,
        'templates/create-service/template.yaml': serviceTemplate,
        'templates/create-service/skeleton/catalog-info.yaml': 'metadata:\n  name: ${{ values.name }}\n',
        'templates/create-service/skeleton/README.md': '# ${{ values.name }}\n',
      },
    });
    const run = await portal.runTemplate('create-service', { name: 'billing' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ name: 'billing' });
    expect(run.files).toEqual({ 'README.md': '# billing\n', 'catalog-info.yaml': 'metadata:\n  name: billing\n' });
    expect(run.log).toContain('made billing');
    expect(run.events.at(-1)?.type).toBe('completion');
  });

  it('runs the user actions, reports failures and dry runs', async () => {
    const seen: string[] = [];
    const notify = createAction<{ channel: string }>({
      id: 'acme:notify',
      supportsDryRun: true,
      schema: { input: (z) => z.object({ channel: z.string().startsWith('#') }) },
      async handler(ctx) {
        if (!ctx.isDryRun) seen.push(ctx.input.channel);
        await writeFile(path.join(ctx.workspacePath, 'notified.txt'), ctx.input.channel);
        ctx.output('sent', !ctx.isDryRun);
      },
    });
    const template = `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: notify }
spec:
  type: service
  owner: team-a
  parameters: [{ properties: { channel: { type: string } } }]
  steps:
    - { id: notify, action: acme:notify, input: { channel: '\${{ parameters.channel }}' } }
  output: { sent: '\${{ steps.notify.output.sent }}' }
`;
    const portal = await portalWith({ actions: [notify], templates: [template] });

    const ok = await portal.runTemplate('template:default/notify', { channel: '#ops' });
    expect(ok).toMatchObject({ status: 'completed', output: { sent: true }, files: { 'notified.txt': '#ops' } });
    expect(seen).toEqual(['#ops']);

    const bad = await portal.runTemplate('notify', { channel: 'ops' });
    expect(bad.status).toBe('failed');
    expect(bad.error?.name).toBe('InputError');
    expect(bad.error?.message).toContain('input.channel');

    const dry = await portal.runTemplate('notify', { channel: '#dev' }, { dryRun: true });
    expect(dry).toMatchObject({ status: 'completed', output: { sent: false }, files: { 'notified.txt': '#dev' } });
    expect(seen).toEqual(['#ops']);

    // Templates given as options are in the catalog too.
    expect((await portal.catalog.getEntityByRef('template:default/notify'))?.kind).toBe('Template');
  });

  it('serves the composed handlers without a port', async () => {
    const notify = createAction({ id: 'acme:notify', handler: () => {} });
    const portal = await portalWith({ actions: [notify], templates: [serviceTemplate] });
    const actions = await portal.request('/api/scaffolder/v2/actions');
    expect(actions.status).toBe(200);
    const ids = ((await actions.json()) as { id: string }[]).map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(['fetch:template', 'catalog:register', 'acme:notify']));

    const schema = await portal.request('/api/scaffolder/v2/templates/default/template/create-service/parameter-schema');
    expect(schema.status).toBe(200);
    expect(((await schema.json()) as { title: string }).title).toBe('Create a service');
  });

  it('removes its directory on close and rejects bad input clearly', async () => {
    const portal = await createTestPortal({ files: { 'notes.txt': 'x' } });
    expect(existsSync(path.join(portal.rootDir, 'notes.txt'))).toBe(true);
    await portal.close();
    expect(existsSync(portal.rootDir)).toBe(false);

    await expect(createTestPortal({ files: { '../escape.yaml': 'x' } })).rejects.toThrow(/escape\.yaml must be a relative path/);
    await expect(createTestPortal({ entities: ['- just a list'] })).rejects.toThrow(/entities\[0\]:1: expected an entity object/);
    await expect(createTestPortal({ templates: ['kind: Template'] })).rejects.toThrow(InputError);
    await expect(createTestPortal({ actions: [createAction({ id: 'fetch:template', handler: () => {} })] })).rejects.toThrow(
      /duplicate action id fetch:template/,
    );
    const empty = await portalWith();
    await expect(empty.runTemplate('missing')).rejects.toThrow(/no template template:default\/missing/);
  });
});
