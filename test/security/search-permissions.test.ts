import fc from 'fast-check';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtinKinds, createCatalog, type Entity, type EntityProviderConnection } from '@portalkit/catalog';
import {
  catalogConditions,
  catalogEntityPermissionRules,
  catalogEntityReadPermission,
  createCatalogConditionalDecision,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import {
  applyConditions,
  createPermission,
  createPortalAuth,
  createEventBus,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
  type Principal,
} from '@portalkit/core';
import {
  catalogCollator,
  createSearch,
  memoryEngine,
  postgresEngine,
  techdocsCollator,
  type Collator,
  type Search,
  type SearchDocument,
  type SearchEngine,
  type SearchQuery,
} from '@portalkit/search';
import { connectTestPool, randomSchema } from '../support/postgres.js';

// Search results under random policies, on every engine, against a brute force: the catalog's own
// rules applied (applyConditions) to the entity each document belongs to. Entities come from the
// real catalog (so relations such as ownedBy are the catalog's), documents from the real
// collators; the policy's conditions go through the engines' filters. Results, totals and every
// page walked to the end must show exactly the documents the principal may read.

const KINDS = ['Component', 'API'];
const OWNERS = ['team-a', 'team-b', 'user:jane'];
const LABELS = ['restricted', 'tier'];
const ANNOTATION = 'example.com/zone';
const ZONES = ['red', 'blue'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta'];
const CLAIMS = ['group:default/team-a', 'group:default/team-b', 'user:default/jane', 'group:default/nobody'];

function randomEntities(seed: number, count: number): Entity[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const labels: Record<string, string> = {};
    for (const label of LABELS) if (next() < 0.4) labels[label] = pick(['gold', 'yes']);
    const annotations: Record<string, string> = {};
    if (next() < 0.5) annotations[ANNOTATION] = pick(ZONES);
    const kind = pick(KINDS);
    const spec: Record<string, unknown> = { type: pick(['service', 'website']), lifecycle: pick(['production', 'experimental']), owner: pick(OWNERS) };
    if (next() < 0.3) spec.system = 'core';
    if (kind === 'API') spec.definition = 'openapi: 3.0.0';
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: {
        name: `svc-${i}`,
        description: `${pick(WORDS)} ${pick(WORDS)} service number ${i}`,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec,
    } as Entity;
  });
}

const condition = fc.oneof(
  fc.constantFrom(...LABELS, 'nope').map((label) => catalogConditions.hasLabel({ label })),
  fc
    .tuple(fc.constant(ANNOTATION), fc.option(fc.constantFrom(...ZONES, 'green'), { nil: undefined }))
    .map(([annotation, value]) => catalogConditions.hasAnnotation(value === undefined ? { annotation } : { annotation, value })),
  fc
    .tuple(fc.constantFrom('description', 'name', 'labels.tier'), fc.option(fc.constantFrom('svc-1', 'gold', 'yes'), { nil: undefined }))
    .map(([key, value]) => catalogConditions.hasMetadata(value === undefined ? { key } : { key, value })),
  fc
    .tuple(fc.constantFrom('owner', 'system', 'lifecycle'), fc.option(fc.constantFrom('team-a', 'core', 'production'), { nil: undefined }))
    .map(([key, value]) => catalogConditions.hasSpec(value === undefined ? { key } : { key, value })),
  fc.subarray([...KINDS, 'Resource']).map((kinds) => catalogConditions.isEntityKind({ kinds })),
  fc.subarray(CLAIMS).map((claims) => catalogConditions.isEntityOwner({ claims })),
);

const criteria: fc.Arbitrary<PermissionCriteria<PermissionCondition>> = fc.letrec<{
  node: PermissionCriteria<PermissionCondition>;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.record({ allOf: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ anyOf: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const entityDecision: fc.Arbitrary<PolicyDecision> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<PolicyDecision>({ result: 'ALLOW' }) },
  { weight: 1, arbitrary: fc.constant<PolicyDecision>({ result: 'DENY' }) },
  { weight: 6, arbitrary: criteria.map((c) => createCatalogConditionalDecision(c)) },
);

/** A third type with its own basic permission, and documents that belong to no entity. */
const faqReadPermission = createPermission({ name: 'faq.read', attributes: { action: 'read' } });
const faqCollator: Collator = {
  type: 'faq',
  visibilityPermission: faqReadPermission,
  async *collect() {
    for (const [i, word] of WORDS.entries()) yield { type: 'faq', title: `faq ${i}`, text: `${word} answers`, location: `/faq#${i}` };
  },
};

const jane: Principal = {
  type: 'user',
  subject: 'user:default/jane',
  userEntityRef: 'user:default/jane',
  ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'],
  claims: {},
};

interface Policy {
  entity: PolicyDecision;
  faq: 'ALLOW' | 'DENY';
}

const connection = await connectTestPool();

describe('search under random policies: every engine equals the brute force', () => {
  let entities: Entity[];
  let byRef: Map<string, Entity>;
  let allDocs: SearchDocument[];
  let policy: Policy = { entity: { result: 'ALLOW' }, faq: 'ALLOW' };
  const searches: Array<{ name: string; search: Search }> = [];
  const schemas: string[] = [];
  let pool: Pool | undefined;
  let connect: EntityProviderConnection | undefined;
  const inputs = randomEntities(19, 36);

  beforeAll(async () => {
    const events = createEventBus();
    const catalog = createCatalog({ kinds: builtinKinds, events, providers: [{ name: 'test', connect: (c) => void (connect = c) }] });
    await catalog.refresh();
    await connect!.applyMutation({ type: 'full', entities: inputs });
    entities = (await catalog.getEntities()).items;
    expect(entities.length).toBe(36);
    byRef = new Map(entities.map((e) => [stringifyEntityRef(e), e]));
    // The catalog computed ownedBy from spec.owner: what IS_ENTITY_OWNER reads.
    expect(entities.some((e) => e.relations?.some((r) => r.type === 'ownedBy'))).toBe(true);

    const auth = createPortalAuth({
      policy: (_principal, permission) => {
        if (permission.name === faqReadPermission.name) return { result: policy.faq };
        if (permission.name === catalogEntityReadPermission.name) return policy.entity;
        return { result: 'DENY' };
      },
      audit: () => {},
    });
    const sites = entities
      .filter((_, i) => i % 3 !== 0)
      .map((e, i) => ({
        entityRef: stringifyEntityRef(e),
        searchIndex: {
          docs: [
            { location: '', title: `${e.metadata.name} docs`, text: `${WORDS[i % 4]} handbook` },
            { location: 'guide/#setup', title: 'Setup', text: `${WORDS[(i + 1) % 4]} setup steps` },
          ],
        },
      }));
    // Docs of an entity the catalog does not have: nothing to judge conditions on, so hidden
    // under any conditional decision (even `not`), shown only on ALLOW.
    sites.push({
      entityRef: 'component:default/ghost',
      searchIndex: { docs: [{ location: '', title: 'ghost docs', text: 'alpha handbook' }, { location: 'x/', title: 'Ghost', text: 'beta setup' }] },
    });
    const collators = () => [
      catalogCollator({ getEntities: () => entities }),
      techdocsCollator({ sites: () => sites }),
      faqCollator,
    ];
    const engines: Array<{ name: string; engine: SearchEngine }> = [{ name: 'memory', engine: memoryEngine({ fuzzy: false }) }];
    if (!('skip' in connection)) {
      pool = connection.pool;
      const schema = randomSchema();
      schemas.push(schema);
      engines.push({ name: 'postgres', engine: postgresEngine({ pool, schema }) });
    }
    for (const { name, engine } of engines) {
      const search = createSearch({ engine, collators: collators(), auth, events, rebuildOnStart: false });
      await search.start();
      const results = await search.rebuild();
      expect(results.every((r) => r.ok && r.errors.length === 0)).toBe(true);
      searches.push({ name, search });
    }
    // Every document, as the trusted host sees them.
    const host = await walk(searches[0]!.search.query.bind(searches[0]!.search), { term: '' }, 100);
    allDocs = host.documents;
    expect(allDocs.length).toBe(36 + 25 * 2 + 4);
    expect(searches.map((s) => s.name)).toEqual('skip' in connection ? ['memory'] : ['memory', 'postgres']);
  });

  afterAll(async () => {
    for (const { search } of searches) await search.stop();
    for (const schema of schemas) await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  /** All pages of a query: the documents in order, and each page's total. */
  const walk = async (query: (q: SearchQuery) => Promise<{ results: Array<{ document: SearchDocument }>; numberOfResults: number; nextPageCursor?: string }>, q: SearchQuery, pageLimit: number) => {
    const documents: SearchDocument[] = [];
    const totals: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const page = await query({ ...q, pageLimit, ...(cursor ? { pageCursor: cursor } : {}) });
      documents.push(...page.results.map((r) => r.document));
      totals.push(page.numberOfResults);
      cursor = page.nextPageCursor;
      if (!cursor) break;
    }
    return { documents, totals };
  };

  const visibleToBruteForce = (doc: SearchDocument, p: Policy): boolean => {
    if (doc.type === 'faq') return p.faq === 'ALLOW';
    if (p.entity.result !== 'CONDITIONAL') return p.entity.result === 'ALLOW';
    const entity = byRef.get(String(doc.entityRef));
    return entity !== undefined && applyConditions(p.entity.conditions, entity, catalogEntityPermissionRules);
  };

  const key = (d: SearchDocument) => `${d.type} ${d.location}`;

  test('same result set, totals and pages, for random policies and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        entityDecision,
        fc.constantFrom<'ALLOW' | 'DENY'>('ALLOW', 'DENY'),
        fc.constantFrom('', 'alpha', 'beta service', 'handbook', 'setup', '"service number"', 'svc'),
        fc.option(fc.subarray(['software-catalog', 'techdocs', 'faq'], { minLength: 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: 9 }),
        async (entity, faq, term, types, pageLimit) => {
          policy = { entity, faq };
          // What the host finds for the query, filtered by the brute force: the expected set.
          const hostQuery = { term, ...(types ? { types } : {}) };
          const host = await walk((q) => searches[0]!.search.query(q), hostQuery, 100);
          const expected = host.documents.filter((d) => visibleToBruteForce(d, policy)).map(key).sort();
          for (const { name, search } of searches) {
            const got = await walk((q) => search.forPrincipal(jane).query(q), hostQuery, pageLimit);
            const keys = got.documents.map(key);
            expect(new Set(keys).size, `${name}: no document twice across pages`).toBe(keys.length);
            expect([...keys].sort(), `${name}: the visible documents`).toEqual(expected);
            expect(new Set(got.totals), `${name}: every page's total`).toEqual(new Set([expected.length]));
            // Nothing of a hidden document leaves the engine: no facts, no hidden document.
            for (const doc of got.documents) expect(doc.authorization?.facts).toBeUndefined();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  test('a conditional decision with an unknown rule hides the types it guards', async () => {
    policy = {
      entity: createCatalogConditionalDecision({ resourceType: 'catalog-entity', rule: 'NOT_A_RULE', params: {} }),
      faq: 'ALLOW',
    };
    for (const { search } of searches) {
      const page = await search.forPrincipal(jane).query({ term: '', pageLimit: 100 });
      expect(page.results.map((r) => r.type)).toEqual(['faq', 'faq', 'faq', 'faq']);
      expect(page.numberOfResults).toBe(4);
    }
  });

  test('an entity restricted in the catalog later takes its catalog and docs results away at once', async () => {
    policy = { entity: createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'secret' }) }), faq: 'DENY' };
    const target = entities.find((e, i) => i % 3 !== 0 && !e.metadata.labels?.secret)!;
    const ref = stringifyEntityRef(target);
    const input = inputs.find((e) => e.metadata.name === target.metadata.name)!;
    const refsOf = async (search: Search) =>
      (await walk((q) => search.forPrincipal(jane).query(q), { term: '' }, 100)).documents.filter((d) => d.entityRef === ref).map((d) => d.type);
    for (const { search } of searches) expect((await refsOf(search)).sort()).toEqual(['software-catalog', 'techdocs', 'techdocs']);
    // The catalog publishes the change; the catalog collator brings the entity's new facts.
    await connect!.applyMutation({ type: 'delta', added: [{ ...input, metadata: { ...input.metadata, labels: { secret: 'yes' } } }], removed: [] });
    await expect.poll(async () => (await Promise.all(searches.map(({ search }) => refsOf(search)))).flat()).toEqual([]);
    // The host still sees all of them.
    for (const { search } of searches) {
      const all = await walk((q) => search.query(q), { term: '' }, 100);
      expect(all.documents.filter((d) => d.entityRef === ref)).toHaveLength(3);
    }
  });

  test('an engine that does not declare visibility is never trusted with conditions', async () => {
    // A host's engine from before visibility existed: it would ignore the filter.
    const inner = memoryEngine();
    const legacy: SearchEngine = { ...inner, features: { fuzzy: true } };
    const auth = createPortalAuth({
      policy: (_principal, permission) =>
        permission.name === faqReadPermission.name ? { result: 'ALLOW' } : createCatalogConditionalDecision({ allOf: [] }),
      audit: () => {},
    });
    const search = createSearch({ engine: legacy, collators: [catalogCollator({ getEntities: () => entities }), faqCollator], auth, rebuildOnStart: false });
    await search.rebuild();
    const page = await search.forPrincipal(jane).query({ term: '', pageLimit: 100 });
    expect(page.results.map((r) => r.type)).toEqual(['faq', 'faq', 'faq', 'faq']);
    expect(page.numberOfResults).toBe(4);
    expect((await search.query({ term: '', pageLimit: 100 })).numberOfResults).toBe(40);
    await search.stop();
  });

  test('conditions on a resource type search cannot judge hide the type, logged', async () => {
    const ticketRead = createPermission({ name: 'ticket.read', attributes: { action: 'read' }, resourceType: 'ticket' });
    const tickets: Collator = {
      type: 'tickets',
      visibilityPermission: ticketRead,
      async *collect() {
        yield { type: 'tickets', title: 'ticket 1', text: 'alpha', location: '/tickets/1', authorization: { resourceRef: 'ticket:1' } };
      },
    };
    const errors: string[] = [];
    const auth = createPortalAuth({
      policy: (_principal, permission) =>
        permission.name === ticketRead.name
          ? { result: 'CONDITIONAL', resourceType: 'ticket', conditions: { resourceType: 'ticket', rule: 'IS_MINE', params: {} } }
          : { result: 'ALLOW' },
      audit: () => {},
    });
    const logger = { debug() {}, info() {}, warn() {}, error: (message: string) => void errors.push(message), child: () => logger };
    const search = createSearch({ collators: [tickets, faqCollator], auth, logger, rebuildOnStart: false });
    await search.rebuild();
    const page = await search.forPrincipal(jane).query({ term: '' });
    expect(page.results.map((r) => r.type)).toEqual(['faq', 'faq', 'faq', 'faq']);
    expect(errors).toEqual(['search: conditions on a resource type search cannot evaluate; hiding the type']);
    await search.stop();
  });
});
