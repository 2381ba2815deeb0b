import { InputError } from '@portalkit/core';
import {
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
} from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { z } from 'zod';
import type { FilterPredicate } from '../query/filter.js';
import type { EntityFilterQuery } from '../query/types.js';
import { GRAPH_LIMITS } from './graph-limits.js';

/** The relation types a graph query follows when it names none: Backstage's well-known ones. */
export const DEFAULT_GRAPH_RELATIONS: readonly string[] = Object.freeze([
  RELATION_OWNED_BY, RELATION_OWNER_OF, RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY, RELATION_PROVIDES_API,
  RELATION_API_PROVIDED_BY, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF, RELATION_PARENT_OF, RELATION_CHILD_OF,
  RELATION_MEMBER_OF, RELATION_HAS_MEMBER, RELATION_PART_OF, RELATION_HAS_PART,
]);

// A relation type as processors write them (`ownedBy`, `acme.com/deployedTo` style names too).
const relationType = z.string().regex(/^[A-Za-z][A-Za-z0-9_.\-/]{0,62}$/, 'a relation type is a letter then up to 62 letters, digits, _ . - /');
const filterValue = z.union([z.string(), z.array(z.string())]);
const filterSet = z.record(z.string(), filterValue);

/**
 * The body of a relation-graph query (`POST /entities/graph`, `catalog.queryGraph`), as zod
 * parses it: from `rootEntityRefs`, follow `relations` (default: the well-known types) in
 * `direction` up to `maxDepth` levels, reaching only entities that match `filter`/`query` (the
 * catalog's filter syntaxes) and the caller may read. Nodes come `limit` to a page; pass
 * `pageInfo.nextCursor` back as `cursor` (with nothing else but `limit`/`fields`) for the next.
 *
 * @example
 * ```ts
 * const request = entityGraphRequestSchema.parse({ rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 2 });
 * ```
 */
export const entityGraphRequestSchema = z.strictObject({
  rootEntityRefs: z.array(z.string().min(1).max(400)).min(1).max(GRAPH_LIMITS.maxRoots).optional(),
  relations: z.array(relationType).min(1).max(GRAPH_LIMITS.maxRelationTypes).optional(),
  direction: z.enum(['outgoing', 'incoming', 'both']).optional(),
  maxDepth: z.number().int().min(0).max(GRAPH_LIMITS.maxDepth).optional(),
  filter: z.union([filterSet, z.array(filterSet).max(100)]).optional(),
  query: z.record(z.string(), z.unknown()).optional(),
  maxNodes: z.number().int().min(1).max(GRAPH_LIMITS.maxNodes).optional(),
  limit: z.number().int().min(1).max(GRAPH_LIMITS.maxPageSize).optional(),
  fields: z.array(z.string().min(1)).max(100).optional(),
  // A cursor carries the whole request (up to 1000 roots of 400 characters, filters, query), so
  // it must hold any request accepted here; over HTTP the body limit bounds it too.
  cursor: z.string().min(1).max(4_000_000).optional(),
});

/**
 * A relation-graph query (see {@link entityGraphRequestSchema}).
 *
 * @example
 * ```ts
 * const request: EntityGraphRequest = { rootEntityRefs: ['group:default/team-a'], relations: ['ownerOf'], maxDepth: 1 };
 * ```
 */
export type EntityGraphRequest = Omit<z.input<typeof entityGraphRequestSchema>, 'filter' | 'query'> & {
  filter?: EntityFilterQuery;
  query?: FilterPredicate;
};

/**
 * One page of a relation graph: nodes in (depth, ref) order with their entities (projected by
 * `fields`), the relations among the whole graph's nodes whose source is on this page,
 * `totalNodes` of the whole graph, and `truncated` when `maxNodes` cut levels off.
 *
 * @example
 * ```ts
 * const { nodes, edges, truncated, pageInfo } = await catalog.queryGraph({ rootEntityRefs: ['component:default/a'] });
 * ```
 */
export interface EntityGraphResult {
  nodes: { entityRef: string; depth: number; entity: Entity }[];
  edges: { sourceEntityRef: string; type: string; targetEntityRef: string }[];
  totalNodes: number;
  truncated: boolean;
  pageInfo: { nextCursor?: string };
}

/** A request checked and normalised: everything a page needs, and what a cursor carries. */
export interface NormalizedGraphRequest {
  rootEntityRefs: string[];
  /** Relation types as the catalog spells them (well-known ones canonical). */
  relations: string[];
  direction: 'outgoing' | 'incoming' | 'both';
  maxDepth: number;
  filter?: EntityFilterQuery;
  query?: FilterPredicate;
  maxNodes: number;
}

const cursorSchema = z.strictObject({ v: z.literal(1), request: z.record(z.string(), z.unknown()), offset: z.number().int().min(0) });
const known = new Map(DEFAULT_GRAPH_RELATIONS.map((t) => [t.toLowerCase(), t]));

/**
 * Check a request (or decode its cursor): the bounds of {@link GRAPH_LIMITS}, relation types
 * named once each (well-known ones spelled canonically), defaults filled in.
 *
 * @example
 * ```ts
 * const { request, offset, limit } = normalizeGraphRequest({ rootEntityRefs: ['component:default/a'] });
 * ```
 */
export function normalizeGraphRequest(input: unknown): { request: NormalizedGraphRequest; offset: number; limit: number; fields?: string[] } {
  const parsed = parseOrThrow(input);
  const limit = parsed.limit ?? GRAPH_LIMITS.defaultPageSize;
  const fields = parsed.fields;
  if (parsed.cursor !== undefined) {
    const others = Object.keys(parsed).filter((k) => !['cursor', 'limit', 'fields'].includes(k));
    if (others.length) throw new InputError(`Invalid graph query: a cursor carries the whole query; do not also send ${others.join(', ')}`);
    const cursor = decodeGraphCursor(parsed.cursor);
    return { request: normalize(parseOrThrow(cursor.request)), offset: cursor.offset, limit, ...(fields ? { fields } : {}) };
  }
  return { request: normalize(parsed), offset: 0, limit, ...(fields ? { fields } : {}) };
}

function parseOrThrow(input: unknown): z.output<typeof entityGraphRequestSchema> {
  const result = entityGraphRequestSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InputError(`Invalid graph query: ${issue.path.join('.') || 'body'}: ${issue.message}`);
}

function normalize(parsed: z.output<typeof entityGraphRequestSchema>): NormalizedGraphRequest {
  if (!parsed.rootEntityRefs) throw new InputError('Invalid graph query: rootEntityRefs is required (at least one entity ref)');
  const relations = new Map<string, string>();
  for (const type of parsed.relations ?? DEFAULT_GRAPH_RELATIONS) {
    const lower = type.toLowerCase();
    if (!relations.has(lower)) relations.set(lower, known.get(lower) ?? type);
  }
  return {
    rootEntityRefs: parsed.rootEntityRefs,
    relations: [...relations.values()],
    direction: parsed.direction ?? 'outgoing',
    maxDepth: parsed.maxDepth ?? 1,
    ...(parsed.filter ? { filter: parsed.filter as EntityFilterQuery } : {}),
    ...(parsed.query ? { query: parsed.query as FilterPredicate } : {}),
    maxNodes: parsed.maxNodes ?? GRAPH_LIMITS.defaultMaxNodes,
  };
}

/** An opaque cursor: the normalised request and the offset of the next page's first node. */
export function encodeGraphCursor(request: NormalizedGraphRequest, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, request, offset }), 'utf8').toString('base64url');
}

function decodeGraphCursor(cursor: string): z.output<typeof cursorSchema> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('Invalid graph query: malformed cursor');
  }
  const result = cursorSchema.safeParse(value);
  if (!result.success) throw new InputError('Invalid graph query: malformed cursor');
  return result.data;
}
