import {
  DEFAULT_NAMESPACE,
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
  parseEntityRef,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity, KindRelationRule } from '@portalkit/catalog-model';
import { assertEntityRefText } from '../stores/text-limits.js';
import { InputError } from '@portalkit/core';

/** A relation between two lowercase refs. */
export interface RefRelation {
  sourceRef: string;
  type: string;
  targetRef: string;
}

interface Rule {
  field: string;
  /** Kind assumed when the ref omits it; none means the ref must name its kind. */
  defaultKind?: string;
  outgoing: string;
  incoming: string;
}

// The table of Backstage's BuiltinKindsEntityProcessor: which spec field yields which pair.
const rules: Record<string, Rule[]> = {
  Component: [
    { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF },
    { field: 'subcomponentOf', defaultKind: 'Component', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
    { field: 'providesApis', defaultKind: 'API', outgoing: RELATION_PROVIDES_API, incoming: RELATION_API_PROVIDED_BY },
    { field: 'consumesApis', defaultKind: 'API', outgoing: RELATION_CONSUMES_API, incoming: RELATION_API_CONSUMED_BY },
    { field: 'dependsOn', outgoing: RELATION_DEPENDS_ON, incoming: RELATION_DEPENDENCY_OF },
    { field: 'dependencyOf', outgoing: RELATION_DEPENDENCY_OF, incoming: RELATION_DEPENDS_ON },
    { field: 'system', defaultKind: 'System', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
  ],
  API: [
    { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF },
    { field: 'system', defaultKind: 'System', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
  ],
  Resource: [
    { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF },
    { field: 'dependsOn', outgoing: RELATION_DEPENDS_ON, incoming: RELATION_DEPENDENCY_OF },
    { field: 'dependencyOf', outgoing: RELATION_DEPENDENCY_OF, incoming: RELATION_DEPENDS_ON },
    { field: 'system', defaultKind: 'System', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
  ],
  System: [
    { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF },
    { field: 'domain', defaultKind: 'Domain', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
  ],
  Domain: [
    { field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF },
    { field: 'subdomainOf', defaultKind: 'Domain', outgoing: RELATION_PART_OF, incoming: RELATION_HAS_PART },
  ],
  User: [{ field: 'memberOf', defaultKind: 'Group', outgoing: RELATION_MEMBER_OF, incoming: RELATION_HAS_MEMBER }],
  Group: [
    { field: 'parent', defaultKind: 'Group', outgoing: RELATION_CHILD_OF, incoming: RELATION_PARENT_OF },
    { field: 'children', defaultKind: 'Group', outgoing: RELATION_PARENT_OF, incoming: RELATION_CHILD_OF },
    { field: 'members', defaultKind: 'User', outgoing: RELATION_HAS_MEMBER, incoming: RELATION_MEMBER_OF },
  ],
  Template: [{ field: 'owner', defaultKind: 'Group', outgoing: RELATION_OWNED_BY, incoming: RELATION_OWNER_OF }],
};

/**
 * The relations Backstage's built-in kinds imply (`spec.owner` -> `ownedBy`/`ownerOf`,
 * `spec.system` -> `partOf`/`hasPart`, ...), both directions. Refs without a kind get the
 * field's default kind (`owner` -> Group, `system` -> System, `providesApis` -> API, ...);
 * `dependsOn`/`dependencyOf` have none, so their refs must name a kind. `declared` are the rules
 * of a kind declared in YAML (its KindDefinition's `spec.relations`), used for kinds not built in. Throws an `InputError`
 * with a `path` (e.g. `spec.dependsOn[0]`) on a ref that does not parse.
 *
 * @example
 * ```ts
 * builtinRelations(component);
 * // [{ sourceRef: 'component:default/a', type: 'ownedBy', targetRef: 'group:default/team-a' },
 * //  { sourceRef: 'group:default/team-a', type: 'ownerOf', targetRef: 'component:default/a' }]
 * ```
 */
export function builtinRelations(entity: Entity, declared?: readonly KindRelationRule[]): RefRelation[] {
  // A declared kind never shadows a built-in one: KindDefinition refuses built-in names.
  const list = rules[entity.kind] ?? declared;
  if (!list || !entity.spec) return [];
  const namespace = entity.metadata.namespace || DEFAULT_NAMESPACE;
  const self = stringifyEntityRef(entity);
  const out: RefRelation[] = [];
  for (const rule of list) {
    const raw = entity.spec[rule.field];
    if (raw === undefined || raw === null || raw === '') continue;
    const targets = [raw].flat();
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (typeof target !== 'string') continue;
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(target, { defaultNamespace: namespace, ...(rule.defaultKind ? { defaultKind: rule.defaultKind } : {}) }),
        );
        // A ref no store can key (NUL, lone surrogate, too long) fails this entity alone, not the batch.
        assertEntityRefText(ref);
      } catch (error) {
        const path = Array.isArray(raw) ? `spec.${rule.field}[${i}]` : `spec.${rule.field}`;
        throw Object.assign(new InputError(`${path}: ${(error as Error).message}`), { path });
      }
      out.push({ sourceRef: self, type: rule.outgoing, targetRef: ref });
      out.push({ sourceRef: ref, type: rule.incoming, targetRef: self });
    }
  }
  return out;
}
