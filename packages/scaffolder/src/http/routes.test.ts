import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import { builtinActions, createScaffolder, loadTemplate } from '../index.js';
import type { TemplateEntity } from '../index.js';
import { fixturesDir, tempDir } from '../test-support.js';
import { autocompleteResponseSchema, type AutocompleteProvider } from './autocomplete.js';
import { templatingExtensionsSchema } from '../render/templatingExtensions.js';

// The routes added with issue #22: autocomplete, templating extensions, dry-run of a stored
// template, and the task list's repeated filters.

async function setup(options: { providers?: AutocompleteProvider[] } = {}) {
  const root = await tempDir();
  const scaffolder = createScaffolder({
    actions: builtinActions(),
    workingDirectory: path.join(root, 'work'),
    pollIntervalMs: 20,
    filters: { shout: (value) => String(value).toUpperCase() },
    globals: { org: 'acme', now: () => 'today' },
  });
  const nodeService = await loadTemplate(path.join(fixturesDir, 'node-service/template.yaml'));
  const hello = (name: string): TemplateEntity =>
    ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name },
      spec: { parameters: { properties: { who: { type: 'string' } } }, steps: [{ id: 'log', action: 'debug:log', input: { message: 'hi ${{ parameters.who }}' } }] },
    }) as unknown as TemplateEntity;
  const templates = new Map<string, unknown>([
    ['template:default/node-service', nodeService],
    ['template:default/hello', hello('hello')],
  ]);
  let user = 'user:default/jane';
  const handler = scaffolder.handler({
    basePath: '/api/scaffolder',
    getTemplate: async (ref) => templates.get(ref),
    getUser: () => ({ ref: user }),
    ...(options.providers ? { autocompleteProviders: options.providers } : {}),
  });
  const request = (p: string, init?: { json?: unknown; method?: string }) =>
    handler(
      new Request(`http://portal.test/api/scaffolder${p}`, {
        ...(init?.json !== undefined ? { method: init.method ?? 'POST', body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } } : {}),
      }),
    );
  const runAs = async (who: string, templateRef = 'template:default/hello') => {
    user = who;
    const res = await request('/v2/tasks', { json: { templateRef, values: { who } } });
    const { id } = (await res.json()) as { id: string };
    return id;
  };
  return { scaffolder, handler, request, runAs };
}

describe('POST /v2/autocomplete/:provider/:resource', () => {
  const calls: unknown[] = [];
  const provider: AutocompleteProvider = {
    id: 'acme',
    async handleAutocompleteRequest(request) {
      calls.push(request);
      if (request.resource === 'boom') throw new Error(`host refused token ${request.token}`);
      if (request.resource === 'bad') throw new InputError(`Invalid resource: ${request.resource}`);
      if (request.resource === 'liar') return { results: [{ title: 'no id' }] } as never;
      if (request.resource === 'wrapped') throw new InputError('upstream refused', { cause: new Error(`401 for ?access_token=${request.token}`) });
      return { results: [{ id: `${request.context.owner}/a`, title: 'A' }, { id: `${request.context.owner}/b` }] };
    },
  };

  it("answers Backstage's { results } from the registered provider, with the request's token and context", async () => {
    const { request } = await setup({ providers: [provider] });
    const res = await request('/v2/autocomplete/acme/repositories', { json: { token: 'tok-123', context: { owner: 'team' } } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(autocompleteResponseSchema.parse(body)).toEqual({ results: [{ id: 'team/a', title: 'A' }, { id: 'team/b' }] });
    expect(calls.at(-1)).toEqual({ resource: 'repositories', token: 'tok-123', context: { owner: 'team' } });
  });

  it('refuses bad input: unknown provider, no token, bad context, GET, non-JSON; never echoes the token', async () => {
    const { request, handler } = await setup({ providers: [provider] });
    const unknown = await request('/v2/autocomplete/nope/repositories', { json: { token: 't' } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { name: 'InputError', message: 'Unsupported provider: nope' } });
    expect((await request('/v2/autocomplete/acme/repositories', { json: { context: {} } })).status).toBe(400);
    expect((await request('/v2/autocomplete/acme/repositories', { json: { token: '' } })).status).toBe(400);
    expect((await request('/v2/autocomplete/acme/repositories', { json: { token: 't', context: { owner: 1 } } })).status).toBe(400);
    expect((await request('/v2/autocomplete/acme/repositories', { json: ['t'] })).status).toBe(400);
    // Only POST is routed, as in Backstage.
    expect((await request('/v2/autocomplete/acme/repositories')).status).toBe(404);
    const form = await handler(new Request('http://portal.test/api/scaffolder/v2/autocomplete/acme/x', { method: 'POST', body: 'token=t' }));
    expect(form.status).toBe(415);
    expect((await request('/v2/autocomplete/acme/bad', { json: { token: 't' } })).status).toBe(400);
    const failed = await request('/v2/autocomplete/acme/boom', { json: { token: 'secret-token-value' } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('secret-token-value');
    // A provider's typed error whose cause names the token: the response carries the cause too.
    const wrapped = await request('/v2/autocomplete/acme/wrapped', { json: { token: 'secret-token-value' } });
    expect(wrapped.status).toBe(400);
    expect(await wrapped.text()).not.toContain('secret-token-value');
    const liar = await request('/v2/autocomplete/acme/liar', { json: { token: 't' } });
    expect(liar.status).toBe(500);
    expect(() => createScaffolder({ actions: [] }).handler({ getTemplate: async () => undefined, autocompleteProviders: [provider, provider] })).toThrow(/two autocomplete providers/);
  });
});

describe('GET /v2/templating-extensions', () => {
  it("lists the default filters with schemas and examples, and the host's filters and globals, in Backstage's shape", async () => {
    const { request } = await setup();
    const res = await request('/v2/templating-extensions');
    expect(res.status).toBe(200);
    const body = templatingExtensionsSchema.parse(await res.json());
    expect(Object.keys(body.filters).sort()).toEqual(['parseEntityRef', 'parseRepoUrl', 'pick', 'projectSlug', 'shout', 'yamlScalar']);
    expect(body.filters.parseRepoUrl).toMatchObject({ description: expect.any(String), examples: expect.any(Array), schema: { input: { type: 'string' }, output: { type: 'object' } } });
    expect(body.filters.parseEntityRef?.schema?.arguments).toHaveLength(1);
    expect(body.filters.shout).toEqual({});
    expect(body.globals).toEqual({ functions: { now: {} }, values: { org: { value: 'acme' } } });
    expect((await request('/v2/templating-extensions', { json: {} })).status).toBe(404);
  });
});

describe('POST /v2/dry-run with templateRef', () => {
  it("dry-runs a stored template with its own files and answers the dry-run shape", async () => {
    const { request } = await setup();
    const res = await request('/v2/dry-run', {
      json: { templateRef: 'template:default/node-service', values: { name: 'svc', owner: 'group:default/team', remoteUrl: '/tmp/nowhere.git' } },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; directoryContents: Array<{ path: string }>; steps: Array<{ id: string }>; log: unknown[] };
    expect(body.status).toBe('completed');
    expect(body.steps[0]).toMatchObject({ id: 'fetch' });
    // The skeleton was read from the stored template's directory, as a run reads it.
    expect(body.directoryContents.map((f) => f.path)).toContain('package.json');
    expect(body.log.length).toBeGreaterThan(0);
  });

  it('refuses bad input: unknown ref, a ref with inline template or files, wrong types, invalid values', async () => {
    const { request } = await setup();
    const go = (json: unknown) => request('/v2/dry-run', { json });
    expect((await go({ templateRef: 'template:default/missing', values: {} })).status).toBe(404);
    expect((await go({ templateRef: 42, values: {} })).status).toBe(400);
    expect((await go({ templateRef: '', values: {} })).status).toBe(400);
    expect((await go({ templateRef: 'template:default/hello', template: {}, values: {} })).status).toBe(400);
    expect((await go({ templateRef: 'template:default/hello', directoryContents: [], values: {} })).status).toBe(400);
    expect((await go({ templateRef: 'template:default/hello', values: { who: 5 } })).status).toBe(400);
    expect((await go({ templateRef: 'template:default/node-service', values: {} })).status).toBe(400);
  });
});

describe('GET /v2/tasks filters', () => {
  it('filters by repeated createdBy and status, pages, and counts in the store', async () => {
    const { request, runAs, scaffolder } = await setup();
    const jane = await runAs('user:default/jane');
    const bob = await runAs('user:default/bob');
    const eve = await runAs('user:default/eve');
    for (const id of [jane, bob, eve]) await (await scaffolder.getTask(id))!.result;
    const list = async (query: string) => {
      const res = await request(`/v2/tasks?${query}`);
      expect(res.status).toBe(200);
      return (await res.json()) as { tasks: Array<{ id: string; createdBy: string; status: string }>; totalTasks: number };
    };
    const both = await list('createdBy=user:default/jane&createdBy=user:default/bob');
    expect(both.totalTasks).toBe(2);
    expect(both.tasks.map((t) => t.id).sort()).toEqual([jane, bob].sort());
    expect((await list('createdBy=user:default/eve')).tasks.map((t) => t.id)).toEqual([eve]);
    expect((await list('status=completed&status=failed')).totalTasks).toBe(3);
    expect((await list('status=open&status=processing')).totalTasks).toBe(0);
    const page = await list('createdBy=user:default/jane&createdBy=user:default/eve&status=completed&limit=1&offset=1&order=desc:created_at');
    expect(page.totalTasks).toBe(2);
    expect(page.tasks.map((t) => t.id)).toEqual([jane]);
    expect(page.tasks[0]).toMatchObject({ status: 'completed', createdBy: 'user:default/jane', spec: expect.any(Object), createdAt: expect.any(String) });
  });

  it('refuses bad query values', async () => {
    const { request } = await setup();
    for (const query of ['status=done', 'status=open&status=', 'createdBy=', 'limit=-1', 'limit=1.5', 'limit=', 'offset=abc', 'limit=1e400', 'order=created_at', 'order=asc:created_at', 'order=desc:status']) {
      const res = await request(`/v2/tasks?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { name: 'InputError' } });
    }
  });
});
