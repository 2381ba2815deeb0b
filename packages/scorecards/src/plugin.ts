import type { PortalPlugin } from '@portalkit/core';
import { createScorecards } from './create-scorecards.js';
import type { Scorecards, ScorecardsOptions } from './library-types.js';

/**
 * Options of {@link scorecardsPlugin}: those of `createScorecards`, plus where to mount the API.
 *
 * @example
 * ```ts
 * const options: ScorecardsPluginOptions = { catalog, scorecards: [readiness], basePath: '/api/scorecards' };
 * ```
 */
export interface ScorecardsPluginOptions extends ScorecardsOptions {
  /** Default `/api/scorecards`. */
  basePath?: string;
}

/**
 * Scorecards as a portal plugin (`id: 'scorecards'`): serves the API at `/api/scorecards`, and on
 * `portal.start()` subscribes to the portal's event bus (unless `events` is given) and evaluates
 * everything. Put it after the catalog plugin so the catalog is loaded first. The service is on
 * `.scorecards`. Requests are identified and authorized with `options.auth ?? context.auth` (see
 * `forPrincipal`).
 *
 * @example
 * ```ts
 * const portal = createPortal({
 *   events,
 *   plugins: [catalogPlugin({ catalog }), scorecardsPlugin({ catalog, scorecards: [readiness] })],
 * });
 * ```
 */
export function scorecardsPlugin(options: ScorecardsPluginOptions): PortalPlugin & { scorecards: Scorecards } {
  const { basePath = '/api/scorecards', ...rest } = options;
  const scorecards = createScorecards(rest);
  return {
    id: 'scorecards',
    basePath,
    scorecards,
    handler: scorecards.handler({ basePath }),
    start: (context) =>
      scorecards.start({ events: context.events, logger: context.logger.child({ plugin: 'scorecards' }), auth: context.auth }),
    stop: () => scorecards.stop(),
  };
}
