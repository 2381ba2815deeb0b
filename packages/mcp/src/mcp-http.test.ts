import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AuthenticationError, type AuditEvent, type PermissionPolicy, type Principal, createLogger, createPortal, createPortalAuth, toNodeHandler } from '@portalkit/core';
import { catalogPlugin, createCatalog } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import { builtinActions, createScaffolder } from '@portalkit/scaffolder';
import { createSearch } from '@portalkit/search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpHandler, mcpPlugin } from './index.js';

/*
 * The MCP server over Streamable HTTP, driven by the SDK's own client against a real HTTP
 * server: every tool, identities from the request, permissions and audit, bad arguments.
 */

const entity = (kind: string, name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: kind === 'Template' ? 'scaffolder.backstage.io/v1beta3' : 'backstage.io/v1alpha1',
  kind,
  metadata: { name, ...extra },
  spec,
});
const docs = [
  entity('System', 'shop', { owner: 'team-a' }),
  entity('Group', 'team-a', { type: 'team', children: [] }),
  entity('Component', 'web', { type: 'website', lifecycle: 'production', owner: 'team-a', system: 'shop', dependsOn: ['component:api-gw'] }, { title: 'Web shop' }),
  entity('Component', 'api-gw', { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop', dependsOn: ['component:vault'] }),
  entity('Component', 'vault', { type: 'service', lifecycle: 'production', owner: 'team-a' }, { labels: { restricted: 'yes' } }),
  entity('Template', 'hello', {
    type: 'service',
    owner: 'team-a',
    parameters: [{ title: 'Name', required: ['name'], properties: { name: { type: 'string', title: 'Service name' } } }],
    steps: [{ id: 'log', name: 'Log', action: 'debug:log', input: { message: 'hello ${{ parameters.name }}' } }],
    output: { greeting: 'hello ${{ parameters.name }}' },
  }, { title: 'Say hello' }),
];

const user = (name: string): Principal => ({ type: 'user', subject: `user:default/${name}`, userEntityRef: `user:default/${name}`, ownershipEntityRefs: [`user:default/${name}`], claims: {} });
const principals: Record<string, Principal> = { alice: user('alice'), mallory: user('mallory'), eve: user('eve') };
const policy: PermissionPolicy = (principal, permission) => {
  // eve may not read any template step: she may run no template, not even as a dry run.
  if (principal.subject === 'user:default/eve') return { result: permission.name === 'scaffolder.template.step.read' ? 'DENY' : 'ALLOW' };
  if (principal.subject !== 'user:default/mallory') return { result: 'ALLOW' };
  if (permission.name === 'catalog.entity.read') return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
  if (permission.name === 'scaffolder.task.create') return { result: 'DENY' };
  return { result: 'ALLOW' };
};

let dir: string;
let server: Server;
let url: URL;
const audit: AuditEvent[] = [];
let scaffolder: ReturnType<typeof createScaffolder>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-'));
  await writeFile(path.join(dir, 'all.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const logger = createLogger({ level: 'error' });
  const auth = createPortalAuth({
    logger,
    policy,
    audit: (event) => void audit.push(event),
    identify: (request) => {
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
      const found = token ? principals[token] : undefined;
      if (!found) throw new AuthenticationError('bad token');
      return found;
    },
  });
  const catalog = createCatalog({ rootDir: dir, auth, logger, locations: [{ type: 'file', target: './all.yaml' }] });
  await catalog.refresh();
  scaffolder = createScaffolder({ actions: builtinActions(), auth, logger, workingDirectory: path.join(dir, 'work') });
  const search = createSearch({
    auth,
    collators: [
      {
        type: 'techdocs',
        async *collect() {
          yield { type: 'techdocs', title: 'Deploying the shop', text: 'Run the pipeline to deploy the web shop.', location: '/docs/default/system/shop/deploy/' };
          yield { type: 'techdocs', title: 'Billing', text: 'Invoices are sent monthly.', location: '/docs/default/system/shop/billing/' };
        },
      },
    ],
  });
  await search.rebuild();
  const handler = createMcpHandler({ catalog, scaffolder, search, auth });
  server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mcp`);
});
afterAll(async () => {
  await scaffolder?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await rm(dir, { recursive: true, force: true });
});

async function connect(token: string | undefined) {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } });
  await client.connect(transport);
  return client;
}
type ToolAnswer = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolAnswer;

describe('MCP over Streamable HTTP', () => {
  it('lists the tools of a portal with catalog, scaffolder and search', async () => {
    const client = await connect('alice');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'catalog_get_entity', 'catalog_graph', 'catalog_search', 'docs_search', 'template_dry_run', 'template_run', 'templates_list',
    ]);
    expect(tools.find((t) => t.name === 'template_run')!.inputSchema.properties).toHaveProperty('confirm');
    await client.close();
  });

  it('searches the catalog, gets an entity with its relations and walks the graph', async () => {
    const client = await connect('alice');
    const found = await call(client, 'catalog_search', { filter: { kind: 'component', 'spec.type': 'service' } });
    expect((found.structuredContent!.items as { metadata: { name: string } }[]).map((e) => e.metadata.name)).toEqual(['api-gw', 'vault']);
    const byText = await call(client, 'catalog_search', { text: 'web shop' });
    expect((byText.structuredContent!.items as { metadata: { name: string } }[]).map((e) => e.metadata.name)).toEqual(['web']);
    const web = await call(client, 'catalog_get_entity', { entityRef: 'component:default/web' });
    const relations = web.structuredContent!.relations as { type: string; targetRef: string; target: { metadata: { name: string } } | null }[];
    expect(relations.find((r) => r.type === 'dependsOn')).toMatchObject({ targetRef: 'component:default/api-gw', target: { metadata: { name: 'api-gw' } } });
    const graph = await call(client, 'catalog_graph', { rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 2 });
    expect((graph.structuredContent!.nodes as { entityRef: string }[]).map((n) => n.entityRef)).toEqual([
      'system:default/shop', 'component:default/api-gw', 'component:default/web', 'component:default/vault',
    ]);
    const missing = await call(client, 'catalog_get_entity', { entityRef: 'component:default/nope' });
    expect(missing).toMatchObject({ isError: true, content: [{ text: 'NotFoundError: No entity component:default/nope' }] });
    await client.close();
  });

  it('lists templates with parameter schemas, dry-runs, and runs only with confirm: true (audited as the caller)', async () => {
    const client = await connect('alice');
    const list = await call(client, 'templates_list', {});
    expect(list.structuredContent!.templates).toEqual([
      expect.objectContaining({ templateRef: 'template:default/hello', title: 'Say hello', parameters: [expect.objectContaining({ title: 'Name' })] }),
    ]);
    const dry = await call(client, 'template_dry_run', { templateRef: 'template:default/hello', values: { name: 'bob' } });
    expect(dry.structuredContent).toMatchObject({ status: 'completed', output: { greeting: 'hello bob' } });
    expect(dry.structuredContent!.log).toEqual(expect.arrayContaining([expect.stringContaining('hello bob')]));
    const unconfirmed = await call(client, 'template_run', { templateRef: 'template:default/hello', values: { name: 'bob' } });
    expect(unconfirmed.isError).toBe(true);
    expect(unconfirmed.content[0]!.text).toMatch(/^InputError: template_run: confirm must be true/);
    const before = audit.length;
    const run = await call(client, 'template_run', { templateRef: 'template:default/hello', values: { name: 'bob' }, confirm: true });
    const taskId = run.structuredContent!.taskId as string;
    expect(typeof taskId).toBe('string');
    const task = await scaffolder.getTask(taskId);
    expect(await task!.result).toMatchObject({ status: 'completed', output: { greeting: 'hello bob' } });
    expect((await task!.get()).createdBy).toBe('user:default/alice');
    expect(audit.slice(before).some((e) => e.actor.subject === 'user:default/alice' && e.action.startsWith('scaffolder.task'))).toBe(true);
    await client.close();
  });

  it('checks a dry run as a run: steps the caller may not read are refused, not run and logged', async () => {
    const client = await connect('eve');
    const run = await call(client, 'template_run', { templateRef: 'template:default/hello', values: { name: 'bob' }, confirm: true });
    expect(run).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/^NotAllowedError: /) }] });
    const dry = await call(client, 'template_dry_run', { templateRef: 'template:default/hello', values: { name: 'bob' } });
    expect(dry).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/^NotAllowedError: /) }] });
    await client.close();
  });

  it('searches docs', async () => {
    const client = await connect('alice');
    const hits = await call(client, 'docs_search', { term: 'deploy' });
    expect(hits.structuredContent).toMatchObject({ numberOfResults: 1, results: [{ title: 'Deploying the shop', location: '/docs/default/system/shop/deploy/' }] });
    await client.close();
  });

  it('refuses callers without credentials (401) and applies a principal\'s permissions', async () => {
    await expect(connect(undefined)).rejects.toThrow(/401|bad token|Unauthorized/i);
    await expect(connect('forged')).rejects.toThrow(/401|bad token|Unauthorized/i);
    const client = await connect('mallory');
    const hidden = await call(client, 'catalog_get_entity', { entityRef: 'component:default/vault' });
    expect(hidden).toMatchObject({ isError: true, content: [{ text: 'NotFoundError: No entity component:default/vault' }] });
    const graph = await call(client, 'catalog_graph', { rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 2 });
    expect(JSON.stringify(graph.structuredContent)).not.toContain('vault');
    const run = await call(client, 'template_run', { templateRef: 'template:default/hello', values: { name: 'x' }, confirm: true });
    expect(run).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/^NotAllowedError: /) }] });
    await client.close();
  });

  it('answers bad tool arguments with errors, never a crash', async () => {
    const client = await connect('alice');
    const cases: [string, Record<string, unknown>][] = [
      ['catalog_graph', { rootEntityRefs: ['system:default/shop'], maxDepth: 50 }],
      ['catalog_graph', { rootEntityRefs: Array.from({ length: 10_000 }, (_, i) => `component:default/c${i}`) }],
      ['catalog_graph', { rootEntityRefs: ['system:default/shop'], relations: ['owned by'] }],
      ['catalog_search', { filter: 'kind=component' }],
      ['catalog_get_entity', {}],
      ['template_run', { templateRef: 42, confirm: true }],
      ['docs_search', { term: 'x'.repeat(10_000) }],
    ];
    for (const [name, args] of cases) {
      const answer = await client.callTool({ name, arguments: args }).catch((error: Error) => ({ isError: true, content: [{ type: 'text', text: error.message }] }));
      expect(answer.isError, `${name} ${JSON.stringify(args).slice(0, 60)}`).toBe(true);
    }
    const unknown = await client.callTool({ name: 'rm_rf', arguments: {} }).catch((error: Error) => ({ isError: true, content: [{ type: 'text', text: error.message }] }));
    expect(unknown.isError).toBe(true);
    // The server still answers.
    expect((await call(client, 'catalog_search', { limit: 1 })).isError).toBeFalsy();
    await client.close();
  });

  it('refuses a body streamed past 1 MiB without a Content-Length (413), as it refuses a declared one', async () => {
    const message = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    // Valid JSON padded with whitespace: without a bound it would be read whole and answered.
    const padded = new TextEncoder().encode(message + ' '.repeat(2 * 1024 * 1024));
    const chunks = Array.from({ length: Math.ceil(padded.length / 65536) }, (_, i) => padded.subarray(i * 65536, (i + 1) * 65536));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer alice', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

describe('mcpPlugin in a portal', () => {
  it('is mounted at /api/mcp and identifies callers with the portal\'s auth', async () => {
    // Neither the catalog nor the plugin has auth of its own: both take the portal's at start.
    const catalog = createCatalog({ rootDir: dir, locations: [{ type: 'file', target: './all.yaml' }] });
    const auth = createPortalAuth({
      logger: createLogger({ level: 'error' }),
      policy,
      identify: (request) => {
        if (request.headers.get('authorization') === 'Bearer mallory') return principals.mallory!;
        throw new AuthenticationError('bad token');
      },
    });
    const portal = createPortal({ plugins: [catalogPlugin({ catalog }), mcpPlugin({ catalog })], auth, logger: createLogger({ level: 'error' }) });
    await portal.start();
    try {
      const viaPortal = (token?: string) =>
        new StreamableHTTPClientTransport(new URL('http://portal.test/api/mcp'), {
          fetch: (input, init) => portal.fetch(new Request(input, init)),
          requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
        });
      await expect(new Client({ name: 'a', version: '1' }).connect(viaPortal())).rejects.toThrow(/401|bad token/i);
      const client = new Client({ name: 'a', version: '1' });
      await client.connect(viaPortal('mallory'));
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['catalog_get_entity', 'catalog_graph', 'catalog_search']);
      const hidden = await call(client, 'catalog_get_entity', { entityRef: 'component:default/vault' });
      expect(hidden.isError).toBe(true);
      await client.close();
    } finally {
      await portal.stop();
    }
  });
});
