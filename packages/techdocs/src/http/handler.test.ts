import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '@portalkit/core';
import { techdocsPlugin } from '../plugin.js';
import { memoryPublisher } from '../publish/memory.js';
import { STATIC_CONTENT_SECURITY_POLICY } from './static-headers.js';
import { createTechDocs } from '../create-techdocs.js';
import type { TechDocs } from '../techdocs.js';
import { all, attr, copyFixture, one, parseHtml, removeAll, text } from '../test-utils.js';
import type { DocsEntityName, TechDocsEntity } from '../types.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

interface SseEvent {
  event: string;
  data: unknown;
}

async function readEvents(response: Response): Promise<SseEvent[]> {
  const body = await response.text();
  return body
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(chunk)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) as unknown };
    });
}

let root: string;
let techdocs: TechDocs;
const entities = new Map<string, TechDocsEntity>();
const getEntity = (name: DocsEntityName) => entities.get(`${name.kind}:${name.namespace}/${name.name}`);

beforeAll(async () => {
  root = await copyFixture('site');
  cleanup.push(root);
  // Files copied verbatim into the site, unseen by the sanitiser.
  await writeFile(path.join(root, 'docs', 'raw.html'), '<script>alert(document.cookie)</script>');
  await writeFile(path.join(root, 'docs', 'images', 'evil.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  entities.set('component:default/svc', {
    kind: 'Component',
    metadata: {
      name: 'svc',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}`,
      },
    },
  });
  entities.set('component:default/nodocs', { kind: 'Component', metadata: { name: 'nodocs' } });
  techdocs = createTechDocs({ publisher: memoryPublisher(), getEntity, root, logger: createLogger({ sink: memorySink() }) });
});

describe('GET /sync', () => {
  it('builds missing docs and streams log and finish events', async () => {
    const response = await techdocs.request('/sync/default/component/svc');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = await readEvents(response);
    expect(events.filter((e) => e.event === 'log').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ event: 'finish', data: { updated: true } });
  });

  it('answers cached when the sources did not change, and rebuilds when they did', async () => {
    const cached = await readEvents(await techdocs.request('/sync/default/component/svc'));
    expect(cached.at(-1)).toEqual({ event: 'finish', data: { updated: false } });
    expect(cached.some((e) => e.event === 'log' && String(e.data).includes('cached'))).toBe(true);

    await writeFile(path.join(root, 'docs', 'reference.md'), '# Reference\n\nRebuilt: narwhal.\n');
    const rebuilt = await readEvents(await techdocs.request('/sync/default/component/svc'));
    expect(rebuilt.at(-1)).toEqual({ event: 'finish', data: { updated: true } });
    const page = await techdocs.request('/static/docs/default/component/svc/reference/');
    expect(text(one(parseHtml(await page.text()), 'article'))).toContain('narwhal');
  });

  it('streams an error event when the build fails', async () => {
    const events = await readEvents(await techdocs.request('/sync/default/component/nodocs'));
    expect(events.at(-1)?.event).toBe('error');
    expect(String(events.at(-1)?.data)).toContain('techdocs-ref');
  });

  it('answers 404 for unknown entities', async () => {
    const response = await techdocs.request('/sync/default/component/ghost');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { name: 'NotFoundError' }, response: { statusCode: 404 } });
  });

  it('shares one build between concurrent syncs of an entity', async () => {
    const entity = entities.get('component:default/svc')!;
    const first = techdocs.sync(entity);
    expect(techdocs.sync(entity)).toBe(first);
    await first;
  });
});

describe('GET /static/docs', () => {
  it('serves pages, directory indexes and assets with content types', async () => {
    const index = await techdocs.request('/static/docs/default/component/svc/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const tree = parseHtml(await index.text());
    expect(text(one(tree, 'h1'))).toContain('Welcome');
    expect(attr(one(tree, 'article img'), 'src')).toBe('images/logo.png');

    const page = await techdocs.request('/static/docs/Default/Component/SVC/guide/configuration/');
    expect(all(parseHtml(await page.text()), 'aside.page-toc a').map(text)).toEqual(['Options', 'Nested option']);
    const noSlash = await techdocs.request('/static/docs/default/component/svc/guide/configuration');
    expect(noSlash.status).toBe(200);

    const image = await techdocs.request('/static/docs/default/component/svc/images/logo.png');
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await image.arrayBuffer()).slice(1, 4)).toEqual(new TextEncoder().encode('PNG'));

    const search = await techdocs.request('/static/docs/default/component/svc/search/search_index.json');
    expect(((await search.json()) as { docs: unknown[] }).docs.length).toBeGreaterThan(6);
  });

  it('serves every site file under a sandbox policy, so verbatim files cannot run scripts on the portal origin', async () => {
    for (const file of ['raw.html', 'images/evil.svg', '', 'guide/configuration/', 'images/logo.png', 'search/search_index.json']) {
      const response = await techdocs.request(`/static/docs/default/component/svc/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-security-policy'), file).toBe(STATIC_CONTENT_SECURITY_POLICY);
      expect(response.headers.get('content-security-policy'), file).toMatch(/^sandbox;/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-disposition'), file).toBeNull();
    }
  });

  it('answers 404 with a Backstage error body for missing files', async () => {
    const response = await techdocs.request('/static/docs/default/component/svc/missing.png');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { name: 'NotFoundError' }, response: { statusCode: 404 } });
  });

  // Encoded separators are refused by core's router (400) before the route runs; the route's
  // own checks (403) stay behind it.
  it.each([
    ['/static/docs/default/component/svc/..%2f..%2f..%2fetc%2fpasswd', 400],
    ['/static/docs/default/component/svc/%2e%2e%2f%2e%2e%2fetc%2fpasswd', 400],
    ['/static/docs/default/component/svc/..%5c..%5cetc%5cpasswd', 400],
    ['/static/docs/default/component/svc/%2fetc%2fpasswd', 400],
    ['/static/docs/default/component/svc/guide/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 404],
    ['/static/docs/default/component/svc/../../../../etc/passwd', 404],
    ['/static/docs/default/..%2f..%2f/svc/index.html', 400],
  ])('refuses traversal in %s', async (url, status) => {
    const response = await techdocs.request(url);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { name: string }; response: { statusCode: number } };
    expect(body.response.statusCode).toBe(status);
    expect(body.error.name).toBe({ 400: 'InputError', 403: 'NotAllowedError', 404: 'NotFoundError' }[status]);
  });
});

describe('GET /metadata', () => {
  it('serves techdocs metadata', async () => {
    const response = await techdocs.request('/metadata/techdocs/default/component/svc');
    expect(response.status).toBe(200);
    const meta = (await response.json()) as Record<string, unknown>;
    expect(meta.site_name).toBe('Fixture Docs');
    expect(Object.keys(meta).sort()).toEqual(['build_timestamp', 'etag', 'files', 'site_description', 'site_name', 'version', 'versions']);
    expect(meta).toMatchObject({ version: 'latest', versions: [] });
    expect((await techdocs.request('/metadata/techdocs/default/component/ghost')).status).toBe(404);
  });

  it('serves the entity with its docs location', async () => {
    const response = await techdocs.request('/metadata/entity/default/component/svc');
    const body = (await response.json()) as { metadata: { name: string }; locationMetadata: unknown };
    expect(body.metadata.name).toBe('svc');
    expect(body.locationMetadata).toEqual({ type: 'file', target: root });
    expect((await techdocs.request('/metadata/entity/default/component/ghost')).status).toBe(404);
  });
});

describe('mounting', () => {
  it('serves below a base path and 404s outside it', async () => {
    const handler = techdocs.handler({ basePath: '/api/techdocs' });
    const ok = await handler(new Request('http://localhost/api/techdocs/metadata/techdocs/default/component/svc'));
    expect(ok.status).toBe(200);
    const outside = await handler(new Request('http://localhost/metadata/techdocs/default/component/svc'));
    expect(outside.status).toBe(404);
  });

  it('is a portal plugin with id techdocs', async () => {
    const plugin = techdocsPlugin({ publisher: techdocs.publisher, getEntity, root });
    expect(plugin.id).toBe('techdocs');
    expect(plugin.basePath).toBe('/api/techdocs');
    const response = await plugin.handler!(new Request('http://localhost/api/techdocs/metadata/techdocs/default/component/svc'));
    expect(((await response.json()) as { site_name: string }).site_name).toBe('Fixture Docs');
  });
});
