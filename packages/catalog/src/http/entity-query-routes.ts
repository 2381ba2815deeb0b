import { InputError, getQueryArray } from '@portalkit/core';
import type { Router } from '@portalkit/core';
import { z } from 'zod';
import type { QueryEntitiesRequest } from '../types.js';
import {
  checkLimit,
  parseCommaListParam,
  parseOffsetParam,
  parseOrderFieldParams,
  parseOrderParams,
  parseStringParam,
} from './params.js';
import { predicate, type RouteContext } from './route-context.js';

const order = z.object({ field: z.string().min(1), order: z.enum(['asc', 'desc']) });
const queryByPredicateBody = z.object({
  cursor: z.string().min(1).optional(),
  query: predicate.optional(),
  limit: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
  orderBy: z.array(order).optional(),
  fullTextFilter: z.object({ term: z.string(), fields: z.array(z.string()).optional() }).optional(),
  fields: z.array(z.string()).optional(),
  totalItems: z.enum(['include', 'exclude']).optional(),
});

/** `GET /entities` (offset and `after` pages, Link header) and `GET|POST /entities/by-query` (cursors). */
export function addEntityQueryRoutes(router: Router, context: RouteContext): void {
  const { viewFor, allow, body, filterOf, fieldsOf, limit, maxLimit } = context;
  router
    .get('/entities', async (request, { url }) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const offset = parseOffsetParam(getQueryArray(url, 'offset'));
      const after = parseStringParam(getQueryArray(url, 'after'), 'after');
      if (after === '') throw new InputError('Invalid after, must not be empty');
      const orderDirectives = parseOrderParams(getQueryArray(url, 'order'));
      const filter = filterOf(url);
      const pageLimit = limit(url, 1);
      const { items, pageInfo } = await catalog.getEntities({
        fields: fieldsOf(url),
        ...(filter ? { filter } : {}),
        ...(orderDirectives ? { order: orderDirectives } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(pageLimit !== undefined ? { limit: pageLimit } : {}),
        ...(after ? { after } : {}),
      });
      const headers = new Headers();
      if (pageInfo?.endCursor) {
        // Backstage answers a bare array; the next page is announced in a Link header.
        const next = new URL(url);
        next.searchParams.delete('offset');
        next.searchParams.set('after', pageInfo.endCursor);
        headers.set('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      return Response.json(items, { headers });
    })
    .get('/entities/by-query', async (request, { url }) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const pageLimit = limit(url, 0);
      const cursor = parseStringParam(getQueryArray(url, 'cursor'), 'cursor');
      const fields = fieldsOf(url);
      let query: QueryEntitiesRequest;
      if (cursor) {
        // As in Backstage, a cursor carries the whole query: filter and order parameters are ignored.
        query = { cursor, fields, ...(pageLimit !== undefined ? { limit: pageLimit } : {}) };
      } else {
        const filter = filterOf(url);
        const orderFields = parseOrderFieldParams(getQueryArray(url, 'orderField'));
        const offset = parseOffsetParam(getQueryArray(url, 'offset'));
        const term = parseStringParam(getQueryArray(url, 'fullTextFilterTerm'), 'fullTextFilterTerm')?.trim();
        const textFields = parseCommaListParam(getQueryArray(url, 'fullTextFilterFields'));
        const totalItems = parseStringParam(getQueryArray(url, 'totalItems'), 'totalItems');
        if (totalItems !== undefined && totalItems !== 'include' && totalItems !== 'exclude') {
          throw new InputError('Invalid totalItems, must be include or exclude');
        }
        query = {
          fields,
          ...(filter ? { filter } : {}),
          ...(orderFields ? { orderFields } : {}),
          ...(term ? { fullTextFilter: { term, ...(textFields ? { fields: textFields } : {}) } } : {}),
          ...(offset !== undefined ? { offset } : {}),
          ...(pageLimit !== undefined ? { limit: pageLimit } : {}),
          ...(totalItems ? { totalItems } : {}),
        };
      }
      return Response.json(await catalog.query(query));
    })
    .post('/entities/by-query', async (request) => {
      const catalog = await viewFor(request);
      await allow(request, 'read', { type: 'entities' });
      const b = await body(request, queryByPredicateBody);
      checkLimit(b.limit, { min: 0, max: maxLimit });
      const query: QueryEntitiesRequest = b.cursor
        ? { cursor: b.cursor, ...(b.fields ? { fields: b.fields } : {}), ...(b.limit !== undefined ? { limit: b.limit } : {}) }
        : {
            ...(b.query ? { query: b.query } : {}),
            ...(b.fields ? { fields: b.fields } : {}),
            ...(b.orderBy ? { orderFields: b.orderBy } : {}),
            ...(b.fullTextFilter ? { fullTextFilter: b.fullTextFilter } : {}),
            ...(b.offset !== undefined ? { offset: b.offset } : {}),
            ...(b.limit !== undefined ? { limit: b.limit } : {}),
            ...(b.totalItems ? { totalItems: b.totalItems } : {}),
          };
      return Response.json(await catalog.query(query));
    });
}
