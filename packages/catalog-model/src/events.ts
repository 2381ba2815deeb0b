import { z } from 'zod';
import { entitySchema } from './entity.js';
import { entityProviderStateSchema, entityProviderStatusSchema } from './provider-status.js';

/*
 * The catalog's event topics: the one contract between the catalog (producer) and search,
 * scorecards or any host code (consumers). Consumers parse with these schemas; they never
 * re-declare a payload.
 *
 * Field names follow Backstage's catalog history events (BEP 0013: `entityRef`, `entityId`,
 * `entity`), so a consumer written against Backstage's shape reads ours. `ref` and `uid` are the
 * names portalkit used before; the catalog still sends them so existing subscribers keep working.
 */

/**
 * Topic names the catalog publishes on its event bus.
 *
 * @example
 * ```ts
 * events.subscribe(CATALOG_TOPICS.entityDeleted, (payload) => forget(catalogEntityDeletedEvent.parse(payload).entityRef));
 * ```
 */
export const CATALOG_TOPICS = {
  /** An entity was added or its stitched form changed. Payload: {@link CatalogEntityUpsertedEvent}. */
  entityUpserted: 'catalog.entity.upserted',
  /** An entity left the catalog. Payload: {@link CatalogEntityDeletedEvent}. */
  entityDeleted: 'catalog.entity.deleted',
  /** An entity provider's state changed. Payload: {@link CatalogProviderStateChangedEvent}. */
  providerStateChanged: 'catalog.provider.state-changed',
} as const;

const entityRef = z.string().min(1);

/**
 * Payload of `catalog.entity.upserted`: the entity as the catalog now serves it.
 *
 * @example
 * ```ts
 * const { entityRef, entity } = catalogEntityUpsertedEvent.parse(payload);
 * ```
 */
export const catalogEntityUpsertedEvent = z.object({
  /** `kind:namespace/name`, lower-cased (the catalog's key). */
  entityRef,
  /** The entity's `metadata.uid`. */
  entityId: z.string().min(1),
  /** The stitched entity (relations and status included). */
  entity: entitySchema,
  /** @deprecated The same as `entityRef`; read `entityRef`. */
  ref: z.string().optional(),
  /** @deprecated The same as `entityId`; read `entityId`. */
  uid: z.string().optional(),
});

/**
 * Payload of `catalog.entity.deleted`: the entity's ref and uid, and its last stitched form.
 *
 * @example
 * ```ts
 * const parsed = catalogEntityDeletedEvent.safeParse(payload);
 * if (parsed.success) index.remove(parsed.data.entityRef);
 * ```
 */
export const catalogEntityDeletedEvent = z.object({
  /** `kind:namespace/name`, lower-cased (the catalog's key). */
  entityRef,
  /** The deleted entity's `metadata.uid`. */
  entityId: z.string().min(1),
  /** The entity as it was last served, before it was deleted. */
  entity: entitySchema,
  /** @deprecated The same as `entityRef`; read `entityRef`. */
  ref: z.string().optional(),
  /** @deprecated The same as `entityId`; read `entityId`. */
  uid: z.string().optional(),
});

/**
 * Payload of `catalog.provider.state-changed`: the provider's status after the change (see
 * `entityProviderStatusSchema`) and the state it left (`null` for the first, `connecting`).
 * Published once per change of `state`, not for every failed retry.
 *
 * @example
 * ```ts
 * events.subscribe(CATALOG_TOPICS.providerStateChanged, (payload) => {
 *   const { name, state, lastError } = catalogProviderStateChangedEvent.parse(payload);
 *   if (state === 'failed') alert(`${name}: ${lastError?.message}`);
 * });
 * ```
 */
export const catalogProviderStateChangedEvent = entityProviderStatusSchema.extend({
  previousState: entityProviderStateSchema.nullable(),
});

/**
 * What `catalog.entity.upserted` carries (inferred from {@link catalogEntityUpsertedEvent}).
 *
 * @example
 * ```ts
 * const event: CatalogEntityUpsertedEvent = { entityRef: 'component:default/a', entityId: 'uid-1', entity };
 * ```
 */
export type CatalogEntityUpsertedEvent = z.infer<typeof catalogEntityUpsertedEvent>;

/**
 * What `catalog.entity.deleted` carries (inferred from {@link catalogEntityDeletedEvent}).
 *
 * @example
 * ```ts
 * const event: CatalogEntityDeletedEvent = { entityRef: 'component:default/a', entityId: 'uid-1', entity };
 * ```
 */
export type CatalogEntityDeletedEvent = z.infer<typeof catalogEntityDeletedEvent>;

/**
 * What `catalog.provider.state-changed` carries (inferred from {@link catalogProviderStateChangedEvent}).
 *
 * @example
 * ```ts
 * const onChange = (event: CatalogProviderStateChangedEvent) => console.log(event.name, event.previousState, '->', event.state);
 * ```
 */
export type CatalogProviderStateChangedEvent = z.infer<typeof catalogProviderStateChangedEvent>;

/**
 * Each catalog topic's payload schema, by topic name.
 *
 * @example
 * ```ts
 * const parsed = catalogEventSchemas[topic].safeParse(payload);
 * ```
 */
export const catalogEventSchemas = {
  [CATALOG_TOPICS.entityUpserted]: catalogEntityUpsertedEvent,
  [CATALOG_TOPICS.entityDeleted]: catalogEntityDeletedEvent,
  [CATALOG_TOPICS.providerStateChanged]: catalogProviderStateChangedEvent,
} as const;

/**
 * Events the catalog publishes on its `events` bus after each committed change, by topic: a map
 * to type an `EventBus` with.
 *
 * @example
 * ```ts
 * const events = createEventBus<CatalogEvents>();
 * events.subscribe('catalog.entity.upserted', ({ entityRef }) => reindex(entityRef));
 * ```
 */
export interface CatalogEvents extends Record<string, unknown> {
  'catalog.entity.upserted': CatalogEntityUpsertedEvent;
  'catalog.entity.deleted': CatalogEntityDeletedEvent;
  'catalog.provider.state-changed': CatalogProviderStateChangedEvent;
}
