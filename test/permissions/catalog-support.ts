/*
 * Shared by the catalog permission tests: a random catalog written as files (locations emitting
 * entities of every kind this test uses, with owners, labels, annotations and spec fields),
 * random policies over all six entity rules, and the brute-force answer they are compared with.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PermissionCondition, type PermissionCriteria, type PolicyDecision, applyConditions, createPortalAuth, validateConditions } from '@portalkit/core';
import type { AuditEvent, Logger, Principal } from '@portalkit/core';
import { type CatalogStore, type Entity, createCatalog } from '@portalkit/catalog';
import { CATALOG_ENTITY_RESOURCE_TYPE, catalogEntityPermissionRules } from '@portalkit/catalog-model';
import fc from 'fast-check';

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

const owners = ['team-a', 'team-b', 'group:ops/team-c', 'user:jane'];
/** The refs `spec.owner` resolves to (claims of IS_ENTITY_OWNER), in the case policies may write them. */
export const ownerRefs = ['group:default/team-a', 'Group:default/Team-B', 'group:ops/team-c', 'user:default/jane', 'group:default/nobody'];
const labelKeys = ['restricted', 'tier'];
const dependencyRefs = ['component:default/e0', 'Component:default/E101', 'resource:default/e2', 'component:ops/e201', 'resource:ops/e303', 'api:default/e5', 'component:default/e7', 'system:default/e104'];
const annotationKeys = ['pk.io/secret', 'backstage.io/techdocs-ref'];

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Random metadata extras: labels, annotations, description, namespace. */
const metaExtras = fc.record({
  namespace: fc.constantFrom('default', 'default', 'ops'),
  labels: fc.dictionary(fc.constantFrom(...labelKeys), fc.constantFrom('true', 'gold', 'Silver'), { maxKeys: 2 }),
  annotations: fc.dictionary(fc.constantFrom(...annotationKeys), fc.constantFrom('yes', 'dir:.', 'No'), { maxKeys: 2 }),
  description: optional(fc.constantFrom('Payments', 'ledger', '')),
  upper: fc.boolean(),
});

const specOf = (kind: string) => {
  const owner = fc.constantFrom(...owners);
  const lifecycle = fc.constantFrom('production', 'experimental');
  switch (kind) {
    case 'Component':
      return fc.record({
        type: fc.constantFrom('service', 'website', 'library'),
        lifecycle,
        owner,
        system: optional(fc.constant('sys-1')),
        // Refs of entities the random files may hold (some do, some not): relations to entities a policy may hide.
        dependsOn: optional(fc.subarray(dependencyRefs, { minLength: 1, maxLength: 3 })),
      });
    case 'API':
      return fc.record({ type: fc.constantFrom('openapi', 'grpc'), lifecycle, owner, definition: fc.constant('openapi: 3.0.0') });
    case 'Resource':
      return fc.record({ type: fc.constantFrom('database', 'bucket'), owner });
    default:
      return fc.record({ owner });
  }
};

const entityArb = (index: number) =>
  fc.constantFrom('Component', 'Component', 'API', 'Resource', 'System').chain((kind) =>
    fc.record({ kind: fc.constant(kind), spec: specOf(kind), meta: metaExtras }).map(({ spec, meta }): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: defined({
        name: `${meta.upper ? 'E' : 'e'}${index}`,
        namespace: meta.namespace,
        labels: Object.keys(meta.labels).length ? meta.labels : undefined,
        annotations: Object.keys(meta.annotations).length ? meta.annotations : undefined,
        description: meta.description,
      }),
      spec: defined(spec),
    })),
  );

/**
 * Write a random catalog under a new temp dir: `root.yaml` holds `locations` Location entities
 * (themselves labelled at random), each pointing at a file of entities.
 */
export async function writeRandomCatalog(seed: number, size: { locations: number; perLocation: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pk-perm-'));
  const locations = fc.sample(fc.array(metaExtras, { minLength: size.locations, maxLength: size.locations }), { seed, numRuns: 1 })[0]!;
  const rootDocs: Entity[] = [];
  for (let l = 0; l < size.locations; l++) {
    const meta = locations[l]!;
    rootDocs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: defined({
        name: `loc-${l}`,
        labels: Object.keys(meta.labels).length ? meta.labels : undefined,
        annotations: Object.keys(meta.annotations).length ? meta.annotations : undefined,
      }),
      spec: { targets: [`./group-${l}.yaml`] },
    });
    const entities = fc.sample(fc.tuple(...Array.from({ length: size.perLocation }, (_, i) => entityArb(l * 100 + i))), {
      seed: seed + l + 1,
      numRuns: 1,
    })[0]!;
    await writeFile(path.join(dir, `group-${l}.yaml`), entities.map((e) => JSON.stringify(e)).join('\n---\n'));
  }
  await writeFile(path.join(dir, 'root.yaml'), rootDocs.map((e) => JSON.stringify(e)).join('\n---\n'));
  return dir;
}

const cond = (rule: string, params: Record<string, unknown>): PermissionCondition => ({
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  rule,
  params: defined(params),
});

/** Mostly `common`, sometimes `rare` (params that match nothing or everything). */
const mostly = <T>(common: readonly T[], rare: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });

/** One condition of each of the six rules, with params that mostly split the random catalog. */
const leafArb: fc.Arbitrary<PermissionCriteria<PermissionCondition>> = fc.oneof(
  fc
    .record({ annotation: mostly([...annotationKeys, 'Pk.io/Secret'], ['nope']), value: optional(fc.constantFrom('yes', 'no', 'dir:.')) })
    .map((p) => cond('HAS_ANNOTATION', p)),
  fc.record({ label: mostly([...labelKeys, 'Tier'], ['missing']) }).map((p) => cond('HAS_LABEL', p)),
  fc
    .tuple(mostly<[string, string]>([['description', 'payments'], ['namespace', 'ops'], ['namespace', 'default'], ['labels.tier', 'gold']], [['name', 'e1'], ['title', '']]), fc.boolean())
    .map(([[key, value], withValue]) => cond('HAS_METADATA', { key, ...(withValue ? { value } : {}) })),
  fc
    .tuple(mostly<[string, string]>([['type', 'service'], ['lifecycle', 'Production'], ['owner', 'team-a'], ['system', 'sys-1'], ['type', 'database']], [['targets', 'x']]), fc.boolean())
    .map(([[key, value], withValue]) => cond('HAS_SPEC', { key, ...(withValue ? { value } : {}) })),
  fc.record({ kinds: fc.subarray(['Component', 'api', 'Location', 'resource', 'System', 'Group'], { minLength: 1 }) }).map((p) => cond('IS_ENTITY_KIND', p)),
  fc.record({ claims: fc.subarray(ownerRefs, { minLength: 1 }) }).map((p) => cond('IS_ENTITY_OWNER', p)),
);

/** Criteria trees up to depth 3 with allOf / anyOf (empty ones included) and not; mostly leaves, so most trees split the catalog. */
export const criteriaArb: fc.Arbitrary<PermissionCriteria<PermissionCondition>> = fc.letrec<{
  node: PermissionCriteria<PermissionCondition>;
}>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'criteria' },
    { weight: 8, arbitrary: leafArb },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'criteria' }).map((allOf) => ({ allOf })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 3, depthIdentifier: 'criteria' }).map((anyOf) => ({ anyOf })) },
    { weight: 1, arbitrary: tie('node').map((not) => ({ not })) },
  ),
})).node;

const unknownRule: PermissionCondition = { resourceType: CATALOG_ENTITY_RESOURCE_TYPE, rule: 'IS_ADMIN_OF_EVERYTHING', params: {} };

/** Random read decisions: mostly conditional; some allow/deny; some with an unknown rule (must deny). */
export const decisionArb: fc.Arbitrary<PolicyDecision> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<PolicyDecision>({ result: 'ALLOW' }, { result: 'DENY' }) },
  { weight: 14, arbitrary: criteriaArb.map((conditions): PolicyDecision => ({ result: 'CONDITIONAL', resourceType: CATALOG_ENTITY_RESOURCE_TYPE, conditions })) },
  {
    weight: 1,
    arbitrary: criteriaArb.map(
      (c): PolicyDecision => ({ result: 'CONDITIONAL', resourceType: CATALOG_ENTITY_RESOURCE_TYPE, conditions: { anyOf: [c, { not: unknownRule }] } }),
    ),
  },
);

/** Brute force: whether the decision lets its principal read `entity` (bad conditions deny). */
export function bruteVisible(decision: PolicyDecision, entity: Entity): boolean {
  if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
  try {
    // Validate first: applyConditions stops at the first deciding branch, so it can miss an unknown rule.
    validateConditions(decision.conditions, catalogEntityPermissionRules);
    return applyConditions(decision.conditions, entity, catalogEntityPermissionRules);
  } catch {
    return false;
  }
}

export const jane: Principal = {
  type: 'user',
  subject: 'user:default/jane',
  userEntityRef: 'user:default/jane',
  ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'],
  claims: {},
};

/**
 * A catalog over `store` with the random files of `dir` registered and processed, whose policy
 * answers `catalog.entity.read` with `current.decision` (and everything else with `current.other`),
 * and whose audit events are collected in `events`.
 */
export async function policyCatalog(store: CatalogStore, dir: string) {
  const current: { decision: PolicyDecision; other: PolicyDecision } = { decision: { result: 'ALLOW' }, other: { result: 'ALLOW' } };
  const events: AuditEvent[] = [];
  const auth = createPortalAuth({
    logger: silentLogger,
    identify: (request) => {
      const who = request.headers.get('x-test-user');
      return who === 'jane' ? jane : { type: 'anonymous', subject: 'anonymous', ownershipEntityRefs: [], claims: {} };
    },
    policy: (_principal, permission) => (permission.name === 'catalog.entity.read' ? current.decision : current.other),
    audit: (event) => void events.push(event),
  });
  // Catalog rules let the test's own files contribute every kind it writes.
  const rules = [{ allow: ['Component', 'API', 'Resource', 'System', 'Location'] }];
  const catalog = createCatalog({ store, rootDir: dir, auth, logger: silentLogger, rules });
  await catalog.addLocation({ type: 'file', target: './root.yaml' });
  await catalog.refresh();
  return { catalog, current, events, auth };
}
