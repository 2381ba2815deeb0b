import { InputError } from '@portalkit/core';
import { RELATION_CHILD_OF, RELATION_MEMBER_OF, parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { CatalogLibrary } from '../types.js';

/**
 * Options of {@link createCatalogOwnershipResolver}.
 *
 * @example
 * ```ts
 * const options: CatalogOwnershipResolverOptions = { transitive: true, maxDepth: 5 };
 * ```
 */
export interface CatalogOwnershipResolverOptions {
  /** Follow `childOf` from the user's groups to their parent groups, and theirs. Default `true`. */
  transitive?: boolean;
  /** How many `childOf` steps above the user's own groups are followed. Default 10. */
  maxDepth?: number;
}

/**
 * Resolves a user entity ref to Backstage's `ownershipEntityRefs`.
 *
 * @example
 * ```ts
 * const refs = await resolveOwnership('user:default/jdoe'); // ['user:default/jdoe', 'group:default/team-a', ...]
 * ```
 */
export type CatalogOwnershipResolver = (userEntityRef: string) => Promise<string[]>;

const DEFAULT_MAX_DEPTH = 10;

/** Targets of `type` relations of `entity` that are groups, as lowercase refs. */
function groupTargets(entity: Entity | undefined, type: string): string[] {
  const out: string[] = [];
  for (const relation of entity?.relations ?? []) {
    if (relation.type !== type) continue;
    try {
      const ref = parseEntityRef(relation.targetRef);
      if (ref.kind.toLowerCase() === 'group') out.push(stringifyEntityRef(ref));
    } catch {
      // A relation no ref parses names nothing a principal could own through.
    }
  }
  return out;
}

/**
 * Backstage's `ownershipEntityRefs` from the catalog: the user's ref, the groups it is a member
 * of (`memberOf` relations, whichever side declared them), and, when `transitive` (the default),
 * their parent groups (`childOf`) up to `maxDepth` steps. Cycles (`a` child of `b` child of `a`)
 * end because each group is visited once. Refs come back lowercase (`kind:namespace/name`), the
 * user's first; an unknown user resolves to its own ref only. It reads through the catalog given
 * — pass the catalog itself (the trusted host view), not a principal's view, since it runs
 * while identifying the principal.
 *
 * @example
 * ```ts
 * const identify = createJwtIdentifier({ jwksUrl, issuer, audience, resolveOwnership: createCatalogOwnershipResolver(catalog) });
 * await createCatalogOwnershipResolver(catalog)('user:default/jane'); // ['user:default/jane', 'group:default/team-a', 'group:default/engineering']
 * ```
 */
export function createCatalogOwnershipResolver(
  catalog: Pick<CatalogLibrary, 'getEntitiesByRefs'>,
  options: CatalogOwnershipResolverOptions = {},
): CatalogOwnershipResolver {
  if (!catalog || typeof catalog.getEntitiesByRefs !== 'function') {
    throw new InputError('createCatalogOwnershipResolver: catalog must have getEntitiesByRefs()');
  }
  const transitive = options.transitive ?? true;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new InputError(`createCatalogOwnershipResolver: maxDepth must be a non-negative integer, got ${JSON.stringify(options.maxDepth)}`);
  }
  const fetch = async (refs: string[]) => (await catalog.getEntitiesByRefs(refs, { fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'] })).items;

  return async (userEntityRef) => {
    let userRef: string;
    try {
      userRef = stringifyEntityRef(parseEntityRef(userEntityRef, { defaultKind: 'user' }));
    } catch (error) {
      throw new InputError(`Invalid user entity ref ${JSON.stringify(userEntityRef)}`, { cause: error });
    }
    const [user] = await fetch([userRef]);
    const seen = new Set<string>([userRef]);
    const next = (refs: string[]) => [...new Set(refs)].filter((ref) => !seen.has(ref)).sort();
    let level = next(groupTargets(user, RELATION_MEMBER_OF));
    for (const ref of level) seen.add(ref);
    // Each pass climbs one childOf step from the groups found last; a visited group is not revisited.
    for (let depth = 0; transitive && level.length && depth < maxDepth; depth++) {
      const groups = await fetch(level);
      level = next(groups.flatMap((g) => groupTargets(g, RELATION_CHILD_OF)));
      for (const ref of level) seen.add(ref);
    }
    return [...seen];
  };
}
