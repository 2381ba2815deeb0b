import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * `portalkit mcp` over stdio, driven by the SDK's own client: the real CLI in a child process
 * (tsx maps @portalkit/* to the sources), over a PGlite store filled by `portalkit catalog ingest`.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
const bin = path.join(repoRoot, 'packages/cli/src/bin.ts');
const cliArgs = (args: string[]) => [tsx, '--tsconfig', path.join(repoRoot, 'tsconfig.json'), bin, ...args];

const component = (name: string, dependsOn: string[] = []) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', dependsOn },
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-stdio-'));
  const docs = [component('a', ['component:b']), component('b', ['component:c']), component('c', ['component:a'])];
  await writeFile(path.join(dir, 'all.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const ingest = spawnSync(process.execPath, cliArgs(['catalog', 'ingest', 'all.yaml', '--store', 'file:./store']), {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  // Exit 1 means processing errors (the owner group is not in the catalog): entities are stored all the same.
  expect(ingest.status === 0 || ingest.status === 1, ingest.stderr).toBe(true);
}, 150_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('portalkit mcp (stdio)', () => {
  it('serves the catalog tools to the SDK client, and survives bad arguments', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: cliArgs(['mcp', '--store', 'file:./store']),
      cwd: dir,
      env: { ...(process.env as Record<string, string>), NODE_OPTIONS: '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['catalog_get_entity', 'catalog_graph', 'catalog_search']);
      const graph = (await client.callTool({
        name: 'catalog_graph',
        arguments: { rootEntityRefs: ['component:default/a'], relations: ['dependsOn'], maxDepth: 10 },
      })) as unknown as { structuredContent: { nodes: { entityRef: string; depth: number }[]; edges: unknown[]; truncated: boolean } };
      // The cycle a -> b -> c -> a ends: three nodes, three edges.
      expect(graph.structuredContent.nodes).toEqual([
        { entityRef: 'component:default/a', depth: 0, title: null, type: 'service' },
        { entityRef: 'component:default/b', depth: 1, title: null, type: 'service' },
        { entityRef: 'component:default/c', depth: 2, title: null, type: 'service' },
      ]);
      expect(graph.structuredContent.edges).toHaveLength(3);
      const bad = await client.callTool({ name: 'catalog_graph', arguments: { rootEntityRefs: 'a', maxDepth: -1 } }).catch((e: Error) => ({ isError: true, message: e.message }));
      expect(bad.isError).toBe(true);
      const found = (await client.callTool({ name: 'catalog_search', arguments: { filter: { kind: 'component' } } })) as unknown as { structuredContent: { totalItems: number } };
      expect(found.structuredContent.totalItems).toBe(3);
    } finally {
      await client.close();
    }
  }, 120_000);
});
