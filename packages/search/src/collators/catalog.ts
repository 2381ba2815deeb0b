import { InputError } from '@portalkit/core';
import { z } from 'zod';
import type { SearchDocument } from '../types.js';
import { entityNameOf, parseEntity, parseEntityRef, stringifyEntityName } from './entity.js';
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
   * Event topics: `upserted` carries `{ entityRef, entity }`, `deleted` carries `{ entityRef }`.
   * Defaults `catalog.entity.upserted` and `catalog.entity.deleted`.
   */
  topics?: { upserted?: string; deleted?: string };
}

/**
 * A catalog entity as a search document, with Backstage's `CatalogEntityDocument` fields (`kind`,
 * `namespace`, `componentType` = `spec.type`, `lifecycle`, `owner`) plus `entityRef`, `name`, `tags`
 * and `annotations`.
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

const upsertedPayload = z.object({ entityRef: z.string().optional(), entity: z.unknown() });
const deletedPayload = z.object({ entityRef: z.string().min(1) });

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
    entityRef: stringifyEntityName(entityNameOf(entity)),
    name: metadata.name,
    namespace,
    kind: entity.kind,
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
 * event. An entity's document is found again by its `entityRef` field, so renames of case never
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
  const upserted = options.topics?.upserted ?? 'catalog.entity.upserted';
  const deleted = options.topics?.deleted ?? 'catalog.entity.deleted';

  return {
    type,
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
      if (topic === upserted) {
        const parsed = upsertedPayload.safeParse(payload);
        if (!parsed.success) throw new InputError(`Invalid ${topic} payload: expected { entityRef, entity }`);
        const doc = entityToDocument(parseEntity(parsed.data.entity), type);
        const refs = new Set([doc.entityRef]);
        // If the event's ref differs from the entity's own, clear both: neither may stay stale.
        if (parsed.data.entityRef) refs.add(stringifyEntityName(parseEntityRef(parsed.data.entityRef)));
        return { remove: { filters: { entityRef: [...refs] } }, upsert: [doc] };
      }
      if (topic === deleted) {
        const parsed = deletedPayload.safeParse(payload);
        if (!parsed.success) throw new InputError(`Invalid ${topic} payload: expected { entityRef }`);
        return { remove: { filters: { entityRef: stringifyEntityName(parseEntityRef(parsed.data.entityRef)) } } };
      }
      return undefined;
    },
  };
}
