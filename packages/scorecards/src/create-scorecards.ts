import { createScorecardsHandler } from './http.js';
import { createScorecardsLibrary } from './scorecards.js';
import type { Scorecards, ScorecardsOptions } from './library-types.js';

/**
 * Create scorecards over a catalog. Results are computed on demand (`evaluate`) and kept current
 * from catalog events: a change re-evaluates the changed entity and every result whose checks
 * read it (an owner group gaining a member re-evaluates the components it owns, and nothing
 * else). Results and their history go to the `store`. This module only composes the library
 * (scorecards.ts) and its HTTP handler (http.ts), which never import each other.
 *
 * @example
 * ```ts
 * const events = createEventBus();
 * const catalog = createCatalog({ kinds: [...builtinKinds, scorecardKind], events, locations });
 * const service = createScorecards({ catalog, events, scorecards: [readiness] });
 * await catalog.refresh();
 * await service.start();
 * const { latest } = await service.getEntityResults('component:default/payments');
 * ```
 */
export function createScorecards(options: ScorecardsOptions): Scorecards {
  const service = createScorecardsLibrary(options);
  return Object.assign(service, {
    handler: (handlerOptions: { basePath?: string } = {}) => createScorecardsHandler({ service, basePath: handlerOptions.basePath }),
  });
}
