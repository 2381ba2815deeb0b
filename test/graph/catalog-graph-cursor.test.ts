import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../permissions/catalog-support.js';

// A graph query may name up to 1000 roots; the cursor of its next page carries the whole query,
// so every cursor the catalog hands out must be one it accepts back.

const names = Array.from({ length: 1000 }, (_, i) => `service-number-${String(i).padStart(4, '0')}-of-the-shop`);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'graph-cursor-'));
  const docs = names.map((name) => JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } }));
  await writeFile(path.join(dir, 'all.yaml'), docs.join('\n---\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('pages through a graph of 1000 roots to its end with the cursors it returns', async () => {
  const catalog = createCatalog({ rootDir: dir, locations: [{ type: 'file', target: './all.yaml' }], logger: silentLogger });
  await catalog.refresh();
  const seen: string[] = [];
  let page = await catalog.queryGraph({ rootEntityRefs: names.map((n) => `component:default/${n}`), maxDepth: 0, maxNodes: 1000, limit: 200, fields: ['metadata.name'] });
  seen.push(...page.nodes.map((n) => n.entityRef));
  while (page.pageInfo.nextCursor) {
    page = await catalog.queryGraph({ cursor: page.pageInfo.nextCursor, limit: 200, fields: ['metadata.name'] });
    seen.push(...page.nodes.map((n) => n.entityRef));
  }
  expect(seen).toEqual(names.map((n) => `component:default/${n}`).sort());
});
