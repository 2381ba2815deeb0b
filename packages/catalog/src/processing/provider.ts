import type { Entity } from '@portalkit/catalog-model';

/**
 * An entity pushed by a provider, with the source that claims it (default `provider:<name>`).
 *
 * @example
 * ```ts
 * const deferred: DeferredEntity = { entity, locationKey: 'ldap:dc=example' };
 * ```
 */
export interface DeferredEntity {
  entity: Entity;
  locationKey?: string;
}

/**
 * A change pushed by a provider: `full` replaces everything it provided before (entities left
 * out are removed), `delta` adds/replaces `added` and removes `removed`: entities, deferred
 * entities, refs, or Backstage's `{ entityRef, locationKey? }` (its `locationKey` is not needed
 * to find the entity and is ignored). A provider removes only entities it provided.
 *
 * @example
 * ```ts
 * await connection.applyMutation({ type: 'delta', added: [user], removed: ['user:default/gone', { entityRef: 'user:default/left' }] });
 * ```
 */
export type EntityProviderMutation =
  | { type: 'full'; entities: (Entity | DeferredEntity)[] }
  | {
      type: 'delta';
      added: (Entity | DeferredEntity)[];
      removed: (Entity | DeferredEntity | { entityRef: string; locationKey?: string } | string)[];
    };

/**
 * Handed to a provider's `connect`; each `applyMutation` is processed and stored before it resolves.
 *
 * @example
 * ```ts
 * await connection.applyMutation({ type: 'full', entities: users });
 * ```
 */
export interface EntityProviderConnection {
  applyMutation(mutation: EntityProviderMutation): Promise<void>;
  /** Reprocess entities tagged with any of these refresh keys. */
  refresh(options: { keys: string[] }): Promise<void>;
}

/**
 * Pushes entities from an outside system (LDAP, a cloud API, a database) into the catalog.
 * `connect` is called once when the catalog first runs; the provider then calls
 * `applyMutation` whenever it likes (a timer, a webhook).
 *
 * @example
 * ```ts
 * const teams: EntityProvider = {
 *   name: 'teams',
 *   async connect(connection) {
 *     await connection.applyMutation({ type: 'full', entities: await loadTeams() });
 *   },
 * };
 * const catalog = createCatalog({ providers: [teams] });
 * ```
 */
export interface EntityProvider {
  name: string;
  connect(connection: EntityProviderConnection): Promise<void> | void;
}
