// Interim: the Backstage catalog REST routes the web UI needs, over the real catalog's query API.
// Replaced by @portalkit/catalog's own REST handler as soon as it lands.
import { InputError, NotFoundError, createRouter, getQueryArray } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import { CATALOG_FILTER_EXISTS } from '@portalkit/catalog';
import type { Catalog, EntityFilterQuery } from '@portalkit/catalog';

function parseFilters(values: string[]): EntityFilterQuery | undefined {
  if (!values.length) return undefined;
  return values.map((value) => {
    const record: Record<string, (string | symbol)[]> = {};
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (!key) throw new InputError(`Invalid filter ${JSON.stringify(value)}`);
      (record[key] ??= []).push(eq < 0 ? CATALOG_FILTER_EXISTS : part.slice(eq + 1).trim());
    }
    return record;
  });
}

export function interimCatalogHandler(catalog: Catalog, basePath: string): Handler {
  return createRouter({ basePath })
    .get('/entities/by-query', async (_req, { url }) => {
      const q = url.searchParams;
      const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
      const cursor = q.get('cursor');
      if (cursor) return Response.json(await catalog.query({ cursor, limit }));
      const order = getQueryArray(q, 'orderField').map((o) => {
        const [field, dir] = o.split(',');
        return { field: field!, order: dir === 'desc' ? ('desc' as const) : ('asc' as const) };
      });
      const term = q.get('fullTextFilterTerm');
      const fields = q.get('fullTextFilterFields');
      return Response.json(await catalog.query({
        filter: parseFilters(getQueryArray(q, 'filter')),
        orderFields: order.length ? order : undefined,
        fullTextFilter: term ? { term, fields: fields ? fields.split(',') : undefined } : undefined,
        limit,
      }));
    })
    .get('/entity-facets', async (_req, { url }) => {
      const facets = getQueryArray(url.searchParams, 'facet');
      return Response.json(await catalog.getEntityFacets({ facets, filter: parseFilters(getQueryArray(url.searchParams, 'filter')) }));
    })
    .get('/entities/by-name/:kind/:namespace/:name', async (_req, { params }) => {
      const entity = await catalog.getEntityByRef({ kind: params.kind!, namespace: params.namespace!, name: params.name! });
      if (!entity) throw new NotFoundError(`No entity named '${params.kind}:${params.namespace}/${params.name}' found`);
      return Response.json(entity);
    }).handler;
}
