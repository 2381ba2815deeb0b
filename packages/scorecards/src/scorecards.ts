import { InputError, createPortalAuth } from '@portalkit/core';
import type { Logger, PortalAuth } from '@portalkit/core';
import { authorizeScorecards, hostEvaluate } from './authorized.js';
import { builtinChecks } from './checks/index.js';
import { createDependencyIndex } from './dependency-index.js';
import { createPredicateCache } from './evaluator.js';
import { createScorecardRegistry } from './registry.js';
import { memoryScorecardStore } from './stores/memory.js';
import { createScorecardQueries } from './queries.js';
import { createSerialQueue } from './serial-queue.js';
import { createEvaluationService } from './evaluation.js';
import { createResultRecorder } from './result-recorder.js';
import { createCatalogSubscription } from './catalog-subscription.js';
import { compileScorecardTrust } from './trust.js';
import type { ScorecardsLibrary, ScorecardsOptions } from './library-types.js';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

/**
 * Create the scorecards library; the public `createScorecards` (create-scorecards.ts) adds
 * `handler()`, so this module never imports its HTTP handler. It composes the parts (registry,
 * result recorder, evaluation service, catalog subscription, queries), serialises evaluations on
 * one queue, and owns only lifecycle (start, stop).
 */
export function createScorecardsLibrary(options: ScorecardsOptions): ScorecardsLibrary {
  if (options === null || typeof options !== 'object') throw new InputError('createScorecards: options must be an object');
  const { catalog } = options;
  if (!catalog || typeof catalog.getEntities !== 'function' || typeof catalog.getEntityByRef !== 'function') {
    throw new InputError('createScorecards: catalog must be a catalog (createCatalog) or a client with the same methods');
  }
  let logger = options.logger ?? silentLogger;
  const registry = createScorecardRegistry({
    catalog,
    scorecards: options.scorecards ?? [],
    checks: options.checks ?? builtinChecks(),
    catalogScorecards: options.catalogScorecards !== false,
    trust: compileScorecardTrust(options.trustedLocations, 'createScorecards'),
    logger: () => logger,
  });
  const store = options.store ?? memoryScorecardStore();
  const now = options.now ?? (() => new Date());
  const predicates = createPredicateCache();
  const index = createDependencyIndex();
  const queries = createScorecardQueries({ catalog, registry, store });
  // Evaluations and their writes never interleave: every one runs on this queue.
  const queue = createSerialQueue();
  const recorder = createResultRecorder({ store, index, logger: () => logger });
  const evaluation = createEvaluationService({
    catalog,
    registry,
    recorder,
    index,
    now,
    predicates,
    catalogScorecards: options.catalogScorecards !== false,
  });
  const subscription = createCatalogSubscription({ apply: evaluation.applyChanges, queue, logger: () => logger });
  let contextAuth: PortalAuth | undefined;
  let defaultAuth: PortalAuth | undefined;
  const auth = () => options.auth ?? contextAuth ?? (defaultAuth ??= createPortalAuth({ logger }));
  const evaluate: ScorecardsLibrary['evaluate'] = (evaluateOptions = {}) => queue.run(() => evaluation.evaluate(evaluateOptions));

  const service: ScorecardsLibrary = {
    ...queries,
    evaluate: hostEvaluate(evaluate, auth),
    forPrincipal: (principal, viewOptions = {}) =>
      authorizeScorecards(
        { library: { ...queries, evaluate }, catalog, registry, store, auth, logger: () => logger, request: viewOptions.request },
        principal,
      ),
    auth,
    applyChanges: (changes) => queue.run(() => evaluation.applyChanges(changes ?? {})),
    async idle() {
      await subscription.idle();
      await queue.idle();
    },

    async start(context = {}) {
      if (context.logger && !options.logger) logger = context.logger;
      if (context.auth) contextAuth = context.auth;
      const events = options.events ?? context.events;
      if (events) subscription.subscribe(events);
      if (options.evaluateOnStart ?? true) {
        // The routine evaluation on start is not a change anyone asked for: not audited.
        await evaluate();
      } else {
        // Without a fresh run, incremental evaluation starts from the stored dependencies.
        for (const result of await store.latest()) recorder.remember(result);
      }
    },

    async stop() {
      subscription.unsubscribe();
      await service.idle();
      await store.close();
    },
  };
  return service;
}
