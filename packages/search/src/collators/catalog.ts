import { InputError } from '@portalkit/core';
import { CATALOG_TOPICS, catalogEntityDeletedEvent, catalogEntityReadPermission, catalogEntityUpsertedEvent } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { entityFacts } from '../visibility.js';
import type { SearchDocument } from '../types.js';
import { entityKey, parseEntity, payloadError, refKey } from './entity.js';
import type { SearchableEntity } from './entity.js';
import type { Collator } from './types.js';

/**
 * Options of {@link catalogCollator}.
 *
 * @example
 * ```ts
 * catalogCollator({ getEntities: () => catalog.entities(), topics: { upserted: 'my.entity.saved' } });
 * ```
 */
export interface CatalogCollatorOptions {
  /** All entities to index; called on every full rebuild. Arrays, iterables and async iterables work. */
  getEntities: () =>
    | AsyncIterable<SearchableEntity>
    | Iterable<SearchableEntity>
    | Promise<Iterable<SearchableEntity> | AsyncIterable<SearchableEntity>>;
  /** Document type; default `software-catalog` (Backstage's). */
  type?: string;
  /**
   * Event topics, default the catalog's `catalog.entity.upserted` and `catalog.entity.deleted`.
   * Payloads are parsed with the catalog's schemas (`catalogEntityUpsertedEvent`,
   * `catalogEntityDeletedEvent` of `@portalkit/catalog-model`), whatever the topic is named.
   */
  topics?: { upserted?: string; deleted?: string };
}

/**
 * A catalog entity as a search document, with Backstage's `CatalogEntityDocument` fields (`kind`,
 * `namespace`, `componentType` = `spec.type`, `lifecycle`, `owner`) plus `entityRef`, `name`, `tags`
 * and `annotations`, and `authorization` naming the entity (with the facts permission conditions
 * read, which engines keep apart and never return).
 *
 * @example
 * ```ts
 * const doc: CatalogEntityDocument = { type: 'software-catalog', title: 'payments', text: '', location: '/catalog/default/component/payments',
 *   entityRef: 'component:default/payments', name: 'payments', namespace: 'default', kind: 'Component' };
 * ```
 */
export interface CatalogEntityDocument extends SearchDocument {
  entityRef: string;
  name: string;
  namespace: string;
  kind: string;
  componentType?: string;
  owner?: string;
  lifecycle?: string;
  tags?: string[];
  annotations?: Record<string, string>;
}

/**
 * Turn one entity into its search document. Searchable: title (or name), description, and the
 * name, kind, spec.type, owner, lifecycle, tags and annotation values. Location is the entity page
 * `/catalog/<namespace>/<kind>/<name>` (namespace and kind lower-cased, as Backstage's routes).
 *
 * @example
 * ```ts
 * entityToDocument({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments' } }).location;
 * // '/catalog/default/component/payments'
 * ```
 */
export function entityToDocument(entity: SearchableEntity, type = 'software-catalog'): CatalogEntityDocument {
  const { metadata, spec = {} } = entity;
  const namespace = metadata.namespace ?? 'default';
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const doc: CatalogEntityDocument = {
    type,
    title: metadata.title ?? metadata.name,
    text: metadata.description ?? '',
    location: `/catalog/${encodeURIComponent(namespace.toLocaleLowerCase('en-US'))}/${encodeURIComponent(entity.kind.toLocaleLowerCase('en-US'))}/${encodeURIComponent(metadata.name)}`,
    entityRef: entityKey(entity),
    name: metadata.name,
    namespace,
    kind: entity.kind,
    authorization: { resourceRef: entityKey(entity), facts: entityFacts(entity as unknown as Entity) },
  };
  const componentType = str(spec.type);
  const owner = str(spec.owner);
  const lifecycle = str(spec.lifecycle);
  if (componentType) doc.componentType = componentType;
  if (owner) doc.owner = owner;
  if (lifecycle) doc.lifecycle = lifecycle;
  if (metadata.tags && metadata.tags.length > 0) doc.tags = [...metadata.tags];
  if (metadata.annotations && Object.keys(metadata.annotations).length > 0) doc.annotations = { ...metadata.annotations };
  return doc;
}

/**
 * Collates catalog entities: every entity on rebuild, and one entity per `upserted`/`deleted`
 * event. Its documents are visible to a principal allowed `catalog.entity.read` on the entity
 * (Backstage's `visibilityPermission`); each carries the entity's facts, which also decide who sees
 * the entity's TechDocs documents. An entity's document is found again by its `entityRef` field, so renames of case never
 * leave a stale copy behind.
 *
 * @example
 * ```ts
 * const search = createSearch({
 *   collators: [catalogCollator({ getEntities: async () => (await catalog.query({})).items })],
 *   events: bus,
 * });
 * ```
 */
export function catalogCollator(options: CatalogCollatorOptions): Collator {
  if (typeof options?.getEntities !== 'function') {
    throw new InputError('catalogCollator: getEntities must be a function returning entities');
  }
  const type = options.type ?? 'software-catalog';
  const upserted = options.topics?.upserted ?? CATALOG_TOPICS.entityUpserted;
  const deleted = options.topics?.deleted ?? CATALOG_TOPICS.entityDeleted;

  return {
    type,
    visibilityPermission: catalogEntityReadPermission,
    topics: [upserted, deleted],
    async *collect(context) {
      const entities = await options.getEntities();
      for await (const raw of entities) {
        try {
          yield entityToDocument(parseEntity(raw), type);
        } catch (error) {
          context.reportError(error);
        }
      }
    },
    update(topic, payload) {
      // A payload that does not match the catalog's schema throws; search logs and skips it.
      if (topic === upserted) {
        const parsed = catalogEntityUpsertedEvent.safeParse(payload);
        if (!parsed.success) throw payloadError(topic, parsed.error);
        const doc = entityToDocument(parseEntity(parsed.data.entity), type);
        // If the event's ref differs from the entity's own, clear both: neither may stay stale.
        const refs = new Set([doc.entityRef, refKey(parsed.data.entityRef)]);
        return { remove: { filters: { entityRef: [...refs] } }, upsert: [doc] };
      }
      if (topic === deleted) {
        const parsed = catalogEntityDeletedEvent.safeParse(payload);
        if (!parsed.success) throw payloadError(topic, parsed.error);
        return { remove: { filters: { entityRef: refKey(parsed.data.entityRef) } } };
      }
      return undefined;
    },
  };
}
