// Development stand-in for the catalog REST API, used only to preview the UI before the real
// packages are wired (`npx tsx examples/portal/test/dev-mock.ts`). Not used by the tests.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlDocuments, toNodeHandler } from '@portalkit/core';
import { createStaticHandler } from '../src/static.js';

type Entity = { apiVersion: string; kind: string; metadata: Record<string, any>; spec?: Record<string, any>; relations?: { type: string; targetRef: string }[] };
const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(here, '../data');
const files = (readdirSync(dataDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml') && !f.includes('skeleton'));
const entities = files.flatMap((f) => parseYamlDocuments(readFileSync(path.join(dataDir, f), 'utf8'), { file: f }).map((d) => d.value as Entity));
const ref = (kind: string, r: string, ns = 'default') => {
  const m = /^(?:([^:]+):)?(?:([^/]+)\/)?(.+)$/.exec(r)!;
  return `${(m[1] ?? kind).toLowerCase()}:${(m[2] ?? ns).toLowerCase()}/${m[3]}`;
};
const refOf = (e: Entity) => ref(e.kind, e.metadata.name);
const byRef = new Map(entities.map((e) => [refOf(e), e]));
for (const e of entities) e.relations = [];
const rel = (from: string, type: string, to: string, inverse: string) => {
  byRef.get(from)?.relations!.push({ type, targetRef: to });
  byRef.get(to)?.relations!.push({ type: inverse, targetRef: from });
};
for (const e of entities) {
  const s = e.spec ?? {};
  const me = refOf(e);
  if (s.owner) rel(me, 'ownedBy', ref('group', s.owner), 'ownerOf');
  if (s.system) rel(me, 'partOf', ref('system', s.system), 'hasPart');
  if (s.domain) rel(me, 'partOf', ref('domain', s.domain), 'hasPart');
  for (const a of s.providesApis ?? []) rel(me, 'providesApi', ref('api', a), 'apiProvidedBy');
  for (const a of s.consumesApis ?? []) rel(me, 'consumesApi', ref('api', a), 'apiConsumedBy');
  for (const d of s.dependsOn ?? []) rel(me, 'dependsOn', ref('component', d), 'dependencyOf');
  for (const g of s.memberOf ?? []) rel(me, 'memberOf', ref('group', g), 'hasMember');
  if (e.kind === 'Group' && s.parent) rel(me, 'childOf', ref('group', s.parent), 'parentOf');
}
const get = (e: any, key: string): unknown[] => {
  const v = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), e);
  return v === undefined ? [] : [v].flat().map((x) => String(x).toLowerCase());
};
const matches = (e: Entity, filter: string | null) => {
  if (!filter) return true;
  const groups = new Map<string, string[]>();
  for (const part of filter.split(',')) {
    const [k, v] = part.split('=');
    groups.set(k!, [...(groups.get(k!) ?? []), ...(v === undefined ? [] : [v.toLowerCase()])]);
  }
  return [...groups].every(([k, vs]) => (vs.length ? get(e, k).some((x) => vs.includes(x as string)) : get(e, k).length > 0));
};
const api = async (req: Request): Promise<Response> => {
  const url = new URL(req.url);
  const p = url.pathname.replace('/api/catalog', '');
  if (p === '/entities/by-query') {
    let q = url.searchParams;
    const cursor = q.get('cursor');
    let offset = 0;
    if (cursor) {
      const c = JSON.parse(Buffer.from(cursor, 'base64').toString());
      q = new URLSearchParams(c.q);
      offset = c.offset;
    }
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const term = q.get('fullTextFilterTerm')?.toLowerCase();
    const all = entities.filter((e) => matches(e, q.get('filter')) && (!term || (q.get('fullTextFilterFields') ?? 'metadata.name').split(',').some((f) => get(e, f).some((v) => (v as string).includes(term)))))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const enc = (o: number) => Buffer.from(JSON.stringify({ q: q.toString(), offset: o })).toString('base64');
    return Response.json({
      items: all.slice(offset, offset + limit),
      totalItems: all.length,
      pageInfo: { ...(offset + limit < all.length ? { nextCursor: enc(offset + limit) } : {}), ...(offset > 0 ? { prevCursor: enc(Math.max(0, offset - limit)) } : {}) },
    });
  }
  if (p === '/entity-facets') {
    const facets: Record<string, { value: string; count: number }[]> = {};
    for (const f of url.searchParams.getAll('facet')) {
      const counts = new Map<string, number>();
      for (const e of entities) for (const v of new Set(f.split('.').reduce((o: any, k) => o?.[k], e) !== undefined ? [f.split('.').reduce((o: any, k) => o?.[k], e)].flat() : [])) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      facets[f] = [...counts].map(([value, count]) => ({ value, count }));
    }
    return Response.json({ facets });
  }
  const m = /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(p);
  if (m) {
    const e = byRef.get(`${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}/${m[3]}`);
    return e ? Response.json(e) : Response.json({ error: { name: 'NotFoundError', message: 'nope' } }, { status: 404 });
  }
  return Response.json({ error: { name: 'NotFoundError', message: `mock: ${p}` } }, { status: 404 });
};
const assets = createStaticHandler({ root: path.join(here, '../public') });
const handler = (req: Request) => (new URL(req.url).pathname.startsWith('/api/catalog') ? api(req) : assets(req));
const port = Number(process.env.PORT ?? 7017);
createServer(toNodeHandler(handler)).listen(port, '127.0.0.1', () => console.log(`mock on http://127.0.0.1:${port} (${entities.length} entities)`));
