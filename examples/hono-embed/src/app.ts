import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@portalkit/catalog';
import type { Catalog, CatalogAuthorize } from '@portalkit/catalog';
import { Hono } from 'hono';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Folder holding `catalog-info.yaml`; default this example's folder. */
  rootDir?: string;
  /** Bearer token that may register, refresh and delete; without it the catalog API is read-only. */
  adminToken?: string;
}

/**
 * A Hono app that embeds the catalog: Backstage's catalog REST API at `/api/catalog` (what
 * `@backstage/catalog-client` talks to), next to the app's own routes, which use the catalog
 * as a library.
 *
 * @example
 * ```ts
 * const { app, catalog } = await createApp({ adminToken: 'secret' });
 * const res = await app.request('/api/catalog/entities/by-query?filter=kind=component');
 * ```
 */
export async function createApp(options: AppOptions = {}): Promise<{ app: Hono; catalog: Catalog }> {
  const rootDir = options.rootDir ?? path.join(here, '..');
  const catalog = createCatalog({ rootDir, locations: [{ type: 'file', target: './catalog-info.yaml' }] });
  await catalog.refresh();

  const authorize: CatalogAuthorize = (request, action) =>
    action === 'read' || (options.adminToken !== undefined && request.headers.get('authorization') === `Bearer ${options.adminToken}`);

  const app = new Hono();
  // The handler serves full paths below its basePath, so Hono must pass the request unchanged.
  app.mount('/api/catalog', catalog.handler({ basePath: '/api/catalog', authorize }), { replaceRequest: false });

  // The app's own route, answered from the library API rather than over HTTP.
  app.get('/teams/:team/components', async (c) => {
    const team = c.req.param('team');
    const { items } = await catalog.query({
      filter: { kind: 'component', 'relations.ownedBy': `group:default/${team}` },
      fields: ['metadata.name', 'metadata.description', 'spec.type'],
      orderFields: { field: 'metadata.name', order: 'asc' },
      limit: 100,
    });
    return c.json(items.map((e) => ({ name: e.metadata.name, description: e.metadata.description, type: e.spec?.type })));
  });

  return { app, catalog };
}
