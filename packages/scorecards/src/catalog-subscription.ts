import { serializeError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { CATALOG_TOPICS, catalogEntityDeletedEvent, catalogEntityUpsertedEvent, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { entityRefKey } from './entity-ref-key.js';
import type { SerialQueue } from './serial-queue.js';
import type { EvaluationSummary, ScorecardEventSource } from './library-types.js';

/**
 * Follows the catalog's entity events and applies them in batches: whatever arrived while an
 * evaluation ran is applied in one go after it, on the library's serial queue.
 */
export interface CatalogSubscription {
  /** Subscribe to `catalog.entity.upserted` and `.deleted`; a second call while subscribed does nothing. */
  subscribe(events: ScorecardEventSource): void;
  unsubscribe(): void;
  /** Resolves once the changes received so far are applied. */
  idle(): Promise<void>;
}

/** Options of {@link createCatalogSubscription}. */
export interface CatalogSubscriptionOptions {
  /** Apply a batch of changes; runs on `queue`. */
  apply(changes: { upserted: Entity[]; deleted: string[] }): Promise<EvaluationSummary>;
  queue: SerialQueue;
  logger: () => Logger;
}

/** Create the catalog event subscription of one scorecards library. */
export function createCatalogSubscription({ apply, queue, logger }: CatalogSubscriptionOptions): CatalogSubscription {
  const pending = { upserted: new Map<string, Entity>(), deleted: new Set<string>() };
  let flush: Promise<void> | undefined;
  let unsubscribers: Array<() => void> = [];

  const schedule = () => {
    flush ??= queue.run(async () => {
      flush = undefined;
      const batch = { upserted: [...pending.upserted.values()], deleted: [...pending.deleted] };
      pending.upserted.clear();
      pending.deleted.clear();
      try {
        const summary = await apply(batch);
        logger().debug('scorecards: applied catalog changes', { evaluated: summary.evaluated, removed: summary.removed });
      } catch (error) {
        logger().error('scorecards: incremental evaluation failed', { error: serializeError(error) });
      }
    });
  };

  // Payloads are parsed with the catalog's own schemas; one that does not match is logged and
  // skipped, never half-applied.
  const ignore = (topic: string, error: unknown) =>
    logger().warn('scorecards: ignored a catalog event that does not match its schema', { topic, error: serializeError(error) });

  const onUpserted = (payload: unknown) => {
    const parsed = catalogEntityUpsertedEvent.safeParse(payload);
    if (!parsed.success) return ignore(CATALOG_TOPICS.entityUpserted, parsed.error);
    const entity = parsed.data.entity;
    const ref = stringifyEntityRef(entity);
    pending.deleted.delete(ref);
    pending.upserted.set(ref, entity);
    schedule();
  };

  const onDeleted = (payload: unknown) => {
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
  };

  return {
    subscribe(events) {
      if (unsubscribers.length) return;
      unsubscribers = [events.subscribe(CATALOG_TOPICS.entityUpserted, onUpserted), events.subscribe(CATALOG_TOPICS.entityDeleted, onDeleted)];
    },
    unsubscribe() {
      for (const off of unsubscribers) off();
      unsubscribers = [];
    },
    async idle() {
      while (flush) await flush;
    },
  };
}
