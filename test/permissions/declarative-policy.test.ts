import {
  type Entity,
  catalogEntityDeletePermission,
  catalogEntityPermissionRules,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
  catalogLocationReadPermission,
  catalogPermissions,
  entityConditionsToFilter,
  entityMatchesFilter,
} from '@portalkit/catalog-model';
import {
  InputError,
  type Permission,
  type PolicyOptions,
  type Principal,
  anonymousPrincipal,
  createLogger,
  createPolicy,
  createPortalAuth,
  memorySink,
  parseYamlDocuments,
} from '@portalkit/core';
import { describe, expect, it } from 'vitest';

// A policy as a host would keep it in app-config.yaml.
const policyYaml = `
default: deny
statements:
  - permission: catalog.*
    principals: { ownershipEntityRefs: [group:default/admins] }
    decision: allow
  - permission: catalog.entity.read
    principals: { types: [user] }
    decision:
      conditions:
        anyOf:
          - rule: IS_ENTITY_OWNER
            params: { claims: $ownershipEntityRefs }
          - not: { rule: HAS_LABEL, params: { label: restricted } }
  - permission: catalog.entity.read
    principals: { types: [anonymous] }
    decision: { conditions: { rule: IS_ENTITY_KIND, params: { kinds: [API] } } }
  - permission: [catalog.entity.refresh, catalog.entity.delete]
    principals: { types: [user] }
    decision:
      conditions:
        allOf:
          - rule: IS_ENTITY_OWNER
            params: { claims: [$ownershipEntityRefs] }
          - not: { rule: HAS_ANNOTATION, params: { annotation: portalkit.dev/locked, value: "true" } }
  - permission: catalog.location.read
    decision: allow
`;

const entity = (kind: string, name: string, owner: string, extra: Partial<Entity['metadata']> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...extra },
  spec: { owner, type: 'service', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const entities: Entity[] = [
  entity('Component', 'payments', 'group:default/team-payments'),
  entity('Component', 'vault', 'group:default/team-platform', { labels: { restricted: 'yes' } }),
  entity('Component', 'ledger', 'group:default/team-payments', { labels: { restricted: 'yes' }, annotations: { 'portalkit.dev/locked': 'true' } }),
  entity('API', 'payments-api', 'group:default/team-payments'),
  entity('API', 'secret-api', 'group:default/team-platform', { labels: { restricted: 'yes' } }),
];
const name = (e: Entity) => e.metadata.name;

const user = (id: string, groups: string[]): Principal => ({
  type: 'user',
  subject: `user:default/${id}`,
  userEntityRef: `user:default/${id}`,
  ownershipEntityRefs: [`user:default/${id}`, ...groups],
  claims: {},
});
const jane = user('jane', ['group:default/team-payments']);
const bob = user('bob', ['group:default/team-platform']);
const root = user('root', ['group:default/admins']);
const ci: Principal = { type: 'service', subject: 'ci', ownershipEntityRefs: [], claims: {} };

function setup() {
  const [doc] = parseYamlDocuments(policyYaml, { file: 'app-config.yaml' });
  const options: PolicyOptions = {
    ...(doc!.value as Omit<PolicyOptions, 'rules'>),
    rules: [catalogEntityPermissionRules],
    permissions: catalogPermissions,
  };
  const logs = memorySink();
  const auth = createPortalAuth({ policy: createPolicy(options), logger: createLogger({ sink: logs }) });
  return { auth, logs };
}

/** The entities a principal may act on, once applied per entity and once as the stores' filter: both must agree. */
async function allowed(principal: Principal, permission: Permission): Promise<string[]> {
  const { auth } = setup();
  const one: string[] = [];
  for (const e of entities) if (await auth.authorizeResource(principal, permission, e, catalogEntityPermissionRules)) one.push(name(e));
  const decision = await auth.authorize(principal, permission);
  const byFilter =
    decision.result === 'ALLOW'
      ? entities.map(name)
      : decision.result === 'DENY'
        ? []
        : entities.filter((e) => entityMatchesFilter(e, entityConditionsToFilter(decision.conditions))).map(name);
  expect(byFilter).toEqual(one);
  return one;
}

describe('declarative policy with the catalog rules', () => {
  it('filters reads by ownership and labels, per principal', async () => {
    expect(await allowed(jane, catalogEntityReadPermission)).toEqual(['payments', 'ledger', 'payments-api']);
    expect(await allowed(bob, catalogEntityReadPermission)).toEqual(['payments', 'vault', 'payments-api', 'secret-api']);
    expect(await allowed(root, catalogEntityReadPermission)).toEqual(entities.map(name));
    expect(await allowed(anonymousPrincipal(), catalogEntityReadPermission)).toEqual(['payments-api', 'secret-api']);
    expect(await allowed(ci, catalogEntityReadPermission)).toEqual([]);
  });

  it('lets owners refresh and delete what they own, unless locked', async () => {
    for (const permission of [catalogEntityRefreshPermission, catalogEntityDeletePermission]) {
      expect(await allowed(jane, permission)).toEqual(['payments', 'payments-api']);
      expect(await allowed(bob, permission)).toEqual(['vault', 'secret-api']);
      expect(await allowed(anonymousPrincipal(), permission)).toEqual([]);
      expect(await allowed(root, permission)).toEqual(entities.map(name));
    }
  });

  it('decides basic permissions by statement or default', async () => {
    const { auth, logs } = setup();
    expect(await auth.authorize(jane, catalogLocationCreatePermission)).toEqual({ result: 'DENY' });
    expect(await auth.authorize(root, catalogLocationCreatePermission)).toEqual({ result: 'ALLOW' });
    expect(await auth.authorize(anonymousPrincipal(), catalogLocationReadPermission)).toEqual({ result: 'ALLOW' });
    expect(logs.records.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('refuses bad statements with the catalog rules at build time (400), naming statement and path', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ rule: 'IS_ENTITY_OWNERS', params: { claims: [] } }, /statements\[1\]\.decision\.conditions: unknown permission rule "IS_ENTITY_OWNERS" \(known: HAS_ANNOTATION, HAS_LABEL/],
      [{ rule: 'HAS_LABEL', params: { labels: 'restricted' } }, /Invalid params for permission rule "HAS_LABEL" at statements\[1\]\.decision\.conditions/],
      [{ anyOf: [{ rule: 'IS_ENTITY_KIND', params: { kinds: 'API' } }] }, /at statements\[1\]\.decision\.conditions\.anyOf\[0\]: kinds/],
      [{ rule: 'IS_ENTITY_OWNER', params: { claims: '$ownership' } }, /statements\[1\]\.decision\.conditions\.params\.claims: unknown placeholder/],
      [{ rule: 'HAS_ANNOTATION', params: { annotation: '$userEntityRef', value: '$ownershipEntityRefs' } }, /Invalid params .* at statements\[1\]/],
      [{ rule: 'IS_ENTITY_KIND', resourceType: 'scaffolder-template', params: { kinds: ['x'] } }, /Unknown permission rule "IS_ENTITY_KIND" for resource type "scaffolder-template"/],
    ];
    expect(() =>
      createPolicy({
        rules: [catalogEntityPermissionRules],
        permissions: catalogPermissions,
        statements: [{ permission: 'catalog.entities.read', decision: 'allow' }],
      }),
    ).toThrow('createPolicy: statements[0].permission: unknown permission "catalog.entities.read"');
    for (const [conditions, message] of bad) {
      const options: PolicyOptions = {
        rules: [catalogEntityPermissionRules],
        statements: [
          { permission: 'catalog.location.read', decision: 'allow' },
          { permission: 'catalog.entity.read', decision: { conditions } },
        ],
      };
      let error: unknown;
      try {
        createPolicy(options);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(conditions)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
