// Stand-in for the catalog's createCatalogOwnershipResolver (issue 19, being built on another
// branch), with its interface; replaced by the real import once it is on main.
import { RELATION_CHILD_OF, RELATION_MEMBER_OF, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Catalog } from '@portalkit/catalog';

/** The user and its groups (memberOf), and their parent groups, transitively. */
export function createCatalogOwnershipResolver(catalog: Pick<Catalog, 'getEntityByRef'>): (userEntityRef: string) => Promise<string[]> {
  return async (userEntityRef) => {
    const refs = new Set([userEntityRef]);
    const user = await catalog.getEntityByRef(userEntityRef);
    let frontier = (user?.relations ?? []).filter((r) => r.type === RELATION_MEMBER_OF).map((r) => r.targetRef);
    while (frontier.length > 0 && refs.size < 1000) {
      const next: string[] = [];
      for (const ref of frontier) {
        if (refs.has(ref)) continue;
        refs.add(ref);
        const group = await catalog.getEntityByRef(ref);
        if (group) next.push(...(group.relations ?? []).filter((r) => r.type === RELATION_CHILD_OF).map((r) => r.targetRef));
      }
      frontier = next;
    }
    return [...refs].map((ref) => stringifyEntityRef(parseRefLoose(ref)));
  };
}

function parseRefLoose(ref: string) {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(ref);
  return m ? { kind: m[1]!, namespace: m[2]!, name: m[3]! } : { kind: 'user', name: ref };
}
