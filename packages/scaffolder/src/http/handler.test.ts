import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinActions, createAction, createScaffolder, loadTemplate, scaffolderPlugin } from '../index.js';
import type { TemplateEntity } from '../index.js';
import { fixturesDir, tempDir } from '../test-support.js';

async function setup() {
  const root = await tempDir();
  const hold = { release: () => {} };
  const slow = createAction({
    id: 'test:hold',
    async handler(ctx) {
      await new Promise<void>((resolve, reject) => {
        hold.release = resolve;
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  });
  const scaffolder = createScaffolder({ actions: [...builtinActions(), slow], workingDirectory: path.join(root, 'work'), pollIntervalMs: 20 });
  const nodeService = await loadTemplate(path.join(fixturesDir, 'node-service/template.yaml'));
  const templates = new Map<string, TemplateEntity | unknown>([
    ['template:default/node-service', nodeService],
    [
      'template:default/hello',
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'hello' },
        spec: {
          parameters: { required: ['who'], properties: { who: { type: 'string' } } },
          steps: [{ id: 'log', name: 'Say hello', action: 'debug:log', input: { message: 'hello ${{ parameters.who }} ${{ secrets.pw }}' } }],
          output: { text: [{ title: 'who', content: '${{ parameters.who }}' }] },
        },
      },
    ],
    [
      'template:default/presented',
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'presented', title: 'Presented', 'ui:options': { showTitle: false } },
        spec: {
          presentation: { buttonLabels: { backButtonText: 'Return', createButtonText: 'Make it' } },
          parameters: [{ title: 'Name', description: 'Pick a name', properties: { name: { type: 'string', 'ui:autofocus': true } } }, { properties: {} }],
          steps: [{ id: 'log', action: 'debug:log', input: { message: 'x' } }],
        },
      },
    ],
    [
      'template:default/hold',
      { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'hold' }, spec: { steps: [{ id: 'h', action: 'test:hold' }] } },
    ],
  ]);
  const handler = scaffolder.handler({
    basePath: '/api/scaffolder',
    getTemplate: async (ref) => templates.get(ref),
    getUser: () => ({ ref: 'user:default/jane' }),
  });
  const request = (p: string, init?: RequestInit & { json?: unknown }) =>
    handler(
      new Request(`http://portal.test/api/scaffolder${p}`, {
        ...init,
        ...(init?.json !== undefined ? { method: init.method ?? 'POST', body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } } : {}),
      }),
    );
  return { scaffolder, request, hold };
}

describe('scaffolder HTTP API', () => {
  it('creates a task and serves it, its events and its event stream', async () => {
    const { request } = await setup();
    const created = await request('/v2/tasks', { json: { templateRef: 'template:default/hello', values: { who: 'world' }, secrets: { pw: 'hunter22' } } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const stream = await request(`/v2/tasks/${id}/eventstream`);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const text = await stream.text();
    expect(text).toContain('event: log\ndata: ');
    expect(text).toMatch(/event: completion\ndata: .*"status":"completed"/);
    expect(text).not.toContain('hunter22');
    const frames = text.trim().split('\n\n').map((f) => JSON.parse(f.split('\n')[1]!.slice(6)));
    expect(frames[0]).toMatchObject({ taskId: id, type: 'log', body: { message: expect.any(String) } });
    expect(typeof frames[0].id).toBe('number');
    expect(typeof frames[0].createdAt).toBe('string');
    expect(frames.some((f) => f.body.message === 'hello world ***' || f.body.message === '***')).toBe(true);

    const task = await (await request(`/v2/tasks/${id}`)).json();
    expect(task).toMatchObject({ id, status: 'completed', createdBy: 'user:default/jane', output: { text: [{ title: 'who', content: 'world' }] } });
    expect(JSON.stringify(task)).not.toContain('hunter22');

    const all = (await (await request(`/v2/tasks/${id}/events`)).json()) as Array<{ id: number }>;
    expect(all.length).toBe(frames.length);
    const later = (await (await request(`/v2/tasks/${id}/events?after=${all[1]!.id}`)).json()) as unknown[];
    expect(later.length).toBe(all.length - 2);

    const list = (await (await request('/v2/tasks?createdBy=user:default/jane&status=completed')).json()) as { tasks: Array<{ id: string }>; totalTasks: number };
    expect(list.totalTasks).toBe(1);
    expect(list.tasks[0]!.id).toBe(id);
  });

  it('cancels a running task', async () => {
    const { request } = await setup();
    const { id } = (await (await request('/v2/tasks', { json: { templateRef: 'template:default/hold' } })).json()) as { id: string };
    // Wait for the worker to pick it up.
    for (let i = 0; i < 50; i++) {
      const t = (await (await request(`/v2/tasks/${id}`)).json()) as { status: string };
      if (t.status === 'processing') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    // As Backstage's ScaffolderClient sends it: a JSON content type and no body.
    const cancelled = await request(`/v2/tasks/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(cancelled.status).toBe(200);
    const text = await (await request(`/v2/tasks/${id}/eventstream`)).text();
    expect(text).toContain('event: cancelled');
    expect(text).toMatch(/event: completion\ndata: .*"status":"cancelled"/);
  });

  it('lists actions with JSON Schemas', async () => {
    const { request } = await setup();
    const actions = (await (await request('/v2/actions')).json()) as Array<{ id: string; schema: { input?: { properties?: Record<string, unknown>; required?: string[] } } }>;
    const ids = actions.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(['fetch:plain', 'fetch:plain:file', 'fetch:template', 'fs:rename', 'fs:delete', 'debug:log', 'catalog:register', 'catalog:write', 'catalog:fetch', 'publish:git']));
    const fetchTemplate = actions.find((a) => a.id === 'fetch:template')!;
    expect(fetchTemplate.schema.input?.properties).toHaveProperty('url');
    expect(fetchTemplate.schema.input?.required).toEqual(['url']);
  });

  it('serves parameter schemas with ui keys kept', async () => {
    const { request } = await setup();
    const res = await request('/v2/templates/default/template/node-service/parameter-schema');
    const body = (await res.json()) as { title: string; description: string; steps: Array<{ title: string; schema: Record<string, unknown> }> };
    expect(body.title).toBe('Node.js service');
    expect(body.description).toMatch(/Node\.js HTTP service/);
    expect(body.steps.map((s) => s.title)).toEqual(['Service', 'Repository']);
    expect((body.steps[0]!.schema.properties as Record<string, Record<string, unknown>>).owner!['ui:field']).toBe('OwnerPicker');

    // Form-level settings pass through, and each step keeps its whole page schema, as Backstage serves them.
    const presented = await (await request('/v2/templates/default/template/presented/parameter-schema')).json();
    expect(presented).toEqual({
      title: 'Presented',
      'ui:options': { showTitle: false },
      presentation: { buttonLabels: { backButtonText: 'Return', createButtonText: 'Make it' } },
      steps: [
        { title: 'Name', description: 'Pick a name', schema: { title: 'Name', description: 'Pick a name', properties: { name: { type: 'string', 'ui:autofocus': true } } } },
        { title: 'Please enter the following information', schema: { properties: {} } },
      ],
    });
    const missing = await request('/v2/templates/default/template/nope/parameter-schema');
    expect(missing.status).toBe(404);
  });

  it('dry-runs a template sent inline', async () => {
    const { request } = await setup();
    const res = await request('/v2/dry-run', {
      json: {
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'inline' },
          spec: { steps: [{ id: 'f', action: 'fetch:template', input: { url: './s', values: { n: '${{ parameters.n }}' } } }] },
        },
        values: { n: 'x' },
        directoryContents: [{ path: 's/${{ values.n }}.txt', base64Content: Buffer.from('n=${{ values.n }}').toString('base64') }],
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { directoryContents: Array<{ path: string; base64Content: string }>; steps: unknown[]; log: unknown[] };
    expect(body.directoryContents).toEqual([expect.objectContaining({ path: 'x.txt', base64Content: Buffer.from('n=x').toString('base64') })]);
    expect(body.steps).toEqual([{ id: 'f', name: 'f', action: 'fetch:template' }]);
    expect(body.log.length).toBeGreaterThan(0);
  });

  it('answers errors in the Backstage error shape', async () => {
    const { request } = await setup();
    const notFound = await request('/v2/tasks/does-not-exist');
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: { name: 'NotFoundError', message: 'Task with id does-not-exist does not exist' },
      request: { method: 'GET', url: '/api/scaffolder/v2/tasks/does-not-exist' },
      response: { statusCode: 404 },
    });
    const badJson = await request('/v2/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(badJson.status).toBe(400);
    const badValues = await request('/v2/tasks', { json: { templateRef: 'template:default/hello', values: { who: 3 } } });
    expect(badValues.status).toBe(400);
    expect(((await badValues.json()) as { error: { message: string } }).error.message).toContain('parameters.who: must be string');
    const unknownTemplate = await request('/v2/tasks', { json: { templateRef: 'template:default/nope' } });
    expect(unknownTemplate.status).toBe(404);
    expect((await request('/v2/nothing')).status).toBe(404);
    expect((await request('/v2/tasks?status=weird')).status).toBe(400);
    expect((await request('/v2/tasks', { json: { values: {} } })).status).toBe(400);
  });

  it('is a portal plugin', async () => {
    const { scaffolder } = await setup();
    const plugin = scaffolderPlugin({ scaffolder, getTemplate: async () => undefined });
    expect(plugin.id).toBe('scaffolder');
    expect(plugin.basePath).toBe('/api/scaffolder');
    const res = await plugin.handler!(new Request('http://x/api/scaffolder/v2/actions'));
    expect(res.status).toBe(200);
    await plugin.start?.({} as never);
    await plugin.stop?.();
  });
});
