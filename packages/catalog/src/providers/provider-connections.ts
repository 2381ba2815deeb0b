import { InputError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { refOf, type PassInput, type PassItem } from '../processing/engine.js';
import type { DeferredEntity, EntityProviderConnection, EntityProviderMutation } from '../processing/provider.js';
import { assertEntityRefText } from '../stores/text-limits.js';
import type { CatalogStore, RefreshState } from '../stores/types.js';

/** What a provider connection needs from the rest of the catalog. */
export interface ProviderConnectionsOptions {
  store: CatalogStore;
  logger: Logger;
  /** Resolves once the catalog's configured locations are stored (mutations wait for it). */
  ready(): Promise<void>;
  /** Runs catalog mutations one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Processes entities (and what they emit) without storing them. */
  pass(inputs: readonly PassInput[]): Promise<Map<string, PassItem>>;
  /** Stores a pass and deletes refs, restitching what changed. */
  commit(items: Map<string, PassItem>, deleteRefs?: readonly string[]): Promise<void>;
  /** `roots` plus everything below them that nothing else emits. */
  cascade(roots: readonly string[]): Promise<string[]>;
  /** Reprocesses the given refresh states. */
  refreshRows(rows: RefreshState[]): Promise<void>;
}

/** Hands out one {@link EntityProviderConnection} per provider. */
export interface ProviderConnections {
  connectionFor(providerName: string): EntityProviderConnection;
}

/** One entry of a mutation's `removed` list, in any of the shapes providers send. */
type RemovedEntry = Extract<EntityProviderMutation, { type: 'delta' }>['removed'][number];

/** The entity of a plain entity or of a `DeferredEntity` (which has `entity` and no `kind`). */
function entityOf(e: Entity | DeferredEntity): DeferredEntity {
  return 'entity' in e && !('kind' in e) ? (e as DeferredEntity) : { entity: e as Entity };
}

/**
 * The catalog key of a removed entry: a ref string, Backstage's `{ entityRef, locationKey? }`,
 * an entity or a deferred entity. `undefined` when it names no entity.
 */
export function removedRef(entry: RemovedEntry): string | undefined {
  if (typeof entry === 'string') return stringifyEntityRef(parseEntityRef(entry));
  if (!entry || typeof entry !== 'object') return undefined;
  // Backstage's shape; its refs keep their case, the catalog's keys are lowercase.
  if ('entityRef' in entry && typeof entry.entityRef === 'string') return stringifyEntityRef(parseEntityRef(entry.entityRef));
  return refOf(entityOf(entry as Entity | DeferredEntity).entity);
}

/**
 * Provider connections (Backstage's `EntityProviderConnection`): each provider owns the
 * entities it pushed (root key `provider:<name>`); a `full` mutation replaces them, a `delta`
 * adds and removes. Removing an entity removes what only it emitted.
 *
 * @example
 * ```ts
 * const connections = createProviderConnections({ store, logger, ready, exclusive, pass, commit, cascade, refreshRows });
 * await provider.connect(connections.connectionFor(provider.name));
 * ```
 */
export function createProviderConnections(options: ProviderConnectionsOptions): ProviderConnections {
  const { store, logger } = options;
  return {
    connectionFor(name) {
      const rootKey = `provider:${name}`;
      const toInput = (e: Entity | DeferredEntity): PassInput => {
        const deferred = entityOf(e);
        const ref = refOf(deferred.entity);
        if (!ref) throw new InputError(`provider ${name} emitted an entity without kind or metadata.name`);
        return { ref, entity: deferred.entity, rootKey, locationKey: deferred.locationKey ?? rootKey };
      };
      // A ref no store can key (too long, NUL) cannot hold a processing error either: that one
      // entity is left out, with a warning, and the rest of the mutation applies.
      const storableRef = (input: PassInput) => {
        try {
          assertEntityRefText(input.ref);
          return true;
        } catch (error) {
          logger.warn('entity provider emitted an entity whose ref no store can key; left out', { provider: name, error });
          return false;
        }
      };
      return {
        applyMutation: async (mutation: EntityProviderMutation) => {
          await options.ready();
          await options.exclusive(async () => {
            const owned = new Set((await store.getRefreshStates({ rootKeys: [rootKey] })).map((r) => r.entityRef));
            const inputs = (mutation.type === 'full' ? mutation.entities : mutation.added).map(toInput).filter(storableRef);
            const keep = new Set(inputs.map((i) => i.ref));
            // Only this provider's own entities can be removed by it.
            const removed =
              mutation.type === 'full'
                ? [...owned].filter((ref) => !keep.has(ref))
                : mutation.removed.map(removedRef).filter((ref): ref is string => ref !== undefined && owned.has(ref) && !keep.has(ref));
            const deletes = removed.length ? await options.cascade(removed) : [];
            await options.commit(await options.pass(inputs), deletes);
          });
        },
        refresh: async ({ keys }) => {
          await options.ready();
          await options.exclusive(async () => options.refreshRows(await store.getRefreshStates({ refreshKeys: keys })));
        },
      };
    },
  };
}
