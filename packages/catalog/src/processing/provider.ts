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
 * When the catalog runs a provider's `run` (see {@link EntityProvider.schedule}).
 *
 * @example
 * ```ts
 * const schedule: EntityProviderSchedule = { frequencyMs: 30 * 60_000, timeoutMs: 10 * 60_000 };
 * ```
 */
export interface EntityProviderSchedule {
  /** Time from the end of one successful attempt to the next run. */
  frequencyMs: number;
  /** A run that has not settled after this long fails (its `signal` aborts). Default: the catalog's `providerRetry.timeoutMs`. */
  timeoutMs?: number;
}

/**
 * Pushes entities from an outside system (LDAP, a cloud API, a database) into the catalog
 * (Backstage's `EntityProvider`: `name` or its `getProviderName()`). `connect` is called when
 * the catalog first runs; the provider then calls `applyMutation` whenever it likes (a timer, a
 * webhook). A `connect` that throws, rejects or does not settle within the catalog's
 * `providerRetry.timeoutMs` is retried with backoff until it succeeds; the provider's state is
 * in `catalog.getProviderStatuses()`.
 *
 * With `schedule` and `run`, the catalog also calls `run` every `schedule.frequencyMs` once
 * `connect` succeeded (never two at once), retries a failed run with backoff, and reports each
 * run in the provider's status.
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
  /** Unique among the catalog's providers; it owns the entities it pushes. */
  name?: string;
  /** Backstage's way to give the name, used when `name` is absent (ported providers work unchanged). */
  getProviderName?(): string;
  connect(connection: EntityProviderConnection): Promise<void> | void;
  /** Read the source again and apply a mutation; called on `schedule` (and by the host, e.g. from a webhook). */
  run?(options?: { signal?: AbortSignal }): Promise<unknown>;
  /** When the catalog calls `run`; without it, only `connect` is called (and retried). */
  readonly schedule?: EntityProviderSchedule;
}

/**
 * The name of a provider: its `name`, else Backstage's `getProviderName()`; `undefined` when it
 * has neither (or the method throws).
 *
 * @example
 * ```ts
 * providerName({ getProviderName: () => 'ldap-org', connect: async () => {} }); // 'ldap-org'
 * ```
 */
export function providerName(provider: EntityProvider): string | undefined {
  if (typeof provider.name === 'string') return provider.name;
  if (typeof provider.getProviderName !== 'function') return undefined;
  try {
    const name = provider.getProviderName();
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
