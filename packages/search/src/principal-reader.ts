import type { Logger, PortalAuth, Principal } from '@portalkit/core';
import { authorizeTypes } from './authorize-types.js';
import type { Collator } from './collators/types.js';
import type { SearchEngine } from './engines/types.js';
import { normalizeQuery } from './query.js';
import type { SearchReader } from './types.js';

/** Options of {@link createPrincipalReader}: the library's parts, read when a query runs. */
export interface PrincipalReaderOptions {
  engine: SearchEngine;
  collators: ReadonlyMap<string, Collator>;
  /** The collators' types, searched when a query names none. */
  types: readonly string[];
  auth: () => PortalAuth;
  logger: () => Logger;
}

/**
 * Search as `principal` sees it: each wanted type's visibility permission is asked, denied types
 * are left out and conditional ones passed to the engine as visibility filters.
 */
export function createPrincipalReader({ engine, collators, types, auth, logger }: PrincipalReaderOptions, principal: Principal): SearchReader {
  return {
    types,
    async query(query) {
      // Validated first, so a bad query is a 400 whatever the principal may see.
      const q = normalizeQuery(query);
      const authorized = await authorizeTypes(auth(), principal, q.types ?? types, collators, logger());
      if (!engine.features.visibility && Object.keys(authorized.visibility).length > 0) {
        // An engine that does not filter would return every document of those types.
        logger().error('search: the engine does not apply visibility; hiding conditionally visible types', {
          types: Object.keys(authorized.visibility),
        });
        authorized.types = authorized.types.filter((t) => !Object.hasOwn(authorized.visibility, t));
        authorized.visibility = {};
      }
      if (authorized.types.length === 0) return { results: [], numberOfResults: 0 };
      return engine.query({ ...query, types: authorized.types }, { visibility: authorized.visibility });
    },
  };
}
