import { InputError, serializeError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import {
  CATALOG_TOPICS,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { builtinChecks } from './checks/index.js';
import { createDependencyIndex } from './dependency-index.js';
import { createPredicateCache } from './evaluator.js';
import { createScorecardRegistry } from './registry.js';
import { memoryScorecardStore } from './stores/memory.js';
import { entityRefKey } from './entity-ref-key.js';
import { createScorecardQueries } from './queries.js';
import { createSerialQueue } from './serial-queue.js';
import { createEvaluationService } from './evaluation.js';
import { createResultRecorder } from './result-recorder.js';
import { compileScorecardTrust } from './trust.js';
import type { ScorecardsLibrary, ScorecardsOptions } from './library-types.js';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

/**
 * Create the scorecards library; the public `createScorecards` (create-scorecards.ts) adds
 * `handler()`, so this module never imports its HTTP handler.
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

  const queue = createSerialQueue();
  const exclusive = queue.run;

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
  const applyUnlocked = evaluation.applyChanges;

  // Events are batched: whatever arrived while an evaluation ran is applied in one go after it.
  const pending = { upserted: new Map<string, Entity>(), deleted: new Set<string>() };
  let flush: Promise<void> | undefined;
  const schedule = () => {
    flush ??= exclusive(async () => {
      flush = undefined;
      const batch = { upserted: [...pending.upserted.values()], deleted: [...pending.deleted] };
      pending.upserted.clear();
      pending.deleted.clear();
      try {
        const summary = await applyUnlocked(batch);
        logger.debug('scorecards: applied catalog changes', { evaluated: summary.evaluated, removed: summary.removed });
      } catch (error) {
        logger.error('scorecards: incremental evaluation failed', { error: serializeError(error) });
      }
    });
  };
  let unsubscribers: Array<() => void> = [];

  const service: ScorecardsLibrary = {
    ...queries,

    evaluate: (evaluateOptions = {}) => exclusive(() => evaluation.evaluate(evaluateOptions)),

    applyChanges: (changes) => exclusive(() => applyUnlocked(changes ?? {})),

    async idle() {
      while (flush) await flush;
      await queue.idle();
    },

    async start(context = {}) {
      if (context.logger && !options.logger) logger = context.logger;
      const events = options.events ?? context.events;
      if (events && unsubscribers.length === 0) {
        // Payloads are parsed with the catalog's own schemas; one that does not match is logged
        // and skipped, never half-applied.
        const ignore = (topic: string, error: unknown) =>
          logger.warn('scorecards: ignored a catalog event that does not match its schema', { topic, error: serializeError(error) });
        unsubscribers = [
          events.subscribe(CATALOG_TOPICS.entityUpserted, (payload) => {
            const parsed = catalogEntityUpsertedEvent.safeParse(payload);
            if (!parsed.success) return ignore(CATALOG_TOPICS.entityUpserted, parsed.error);
            const entity = parsed.data.entity;
            const ref = stringifyEntityRef(entity);
            pending.deleted.delete(ref);
            pending.upserted.set(ref, entity);
            schedule();
          }),
          events.subscribe(CATALOG_TOPICS.entityDeleted, (payload) => {
            const parsed = catalogEntityDeletedEvent.safeParse(payload);
            if (!parsed.success) return ignore(CATALOG_TOPICS.entityDeleted, parsed.error);
            let ref: string;
            try {
              ref = entityRefKey(parsed.data.entityRef);
            } catch (error) {
              return ignore(CATALOG_TOPICS.entityDeleted, error);
            }
            pending.upserted.delete(ref);
            pending.deleted.add(ref);
            schedule();
          }),
        ];
      }
      if (options.evaluateOnStart ?? true) {
        await service.evaluate();
      } else {
        // Without a fresh run, incremental evaluation starts from the stored dependencies.
        for (const result of await store.latest()) recorder.remember(result);
      }
    },

    async stop() {
      for (const off of unsubscribers) off();
      unsubscribers = [];
      await service.idle();
      await store.close();
    },
  };
  return service;
}
