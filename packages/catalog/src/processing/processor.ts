import type { CompoundEntityRef, Entity } from '@portalkit/catalog-model';

/**
 * Where an entity was read from, or a place to read entities from: `file` (a path or glob,
 * relative to the catalog's `rootDir`), `url` (read through the catalog's `UrlReader`), or any
 * type a processor's `readLocation` understands.
 *
 * @example
 * ```ts
 * const location: LocationSpec = { type: 'file', target: './services/*\/catalog-info.yaml' };
 * ```
 */
export interface LocationSpec {
  type: string;
  target: string;
  /** `optional` targets that do not exist are skipped silently. Default `required`. */
  presence?: 'required' | 'optional';
}

/**
 * A relation emitted by a processor. Refs may be strings (`group:default/team-a`) or compound refs.
 *
 * @example
 * ```ts
 * emit.relation({ source: 'component:default/a', type: 'dependsOn', target: 'resource:default/db' });
 * ```
 */
export interface EmittedRelation {
  source: string | CompoundEntityRef;
  type: string;
  target: string | CompoundEntityRef;
}

/**
 * Details attached to an emitted error so it can be reported as `file:line path [rule]`.
 *
 * @example
 * ```ts
 * emit.error(new InputError('bad owner'), { path: 'spec.owner', rule: 'owner-format' });
 * ```
 */
export interface ErrorDetails {
  file?: string;
  line?: number;
  path?: string;
  rule?: string;
}

/**
 * What processors hand their output to.
 *
 * - `entity(entity, location?)` adds an entity read from `location` (default: the location being
 *   processed); it is processed in turn and becomes a child of the current entity.
 * - `relation(...)` adds a relation; it shows on the stitched entity whose ref is `source`.
 * - `error(...)` records a problem on the current entity without stopping it.
 * - `refresh(key)` tags the current entity so `catalog.refresh({ key })` reprocesses it.
 *
 * @example
 * ```ts
 * emit.entity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a' }, spec: { type: 'service', lifecycle: 'x', owner: 'me' } });
 * ```
 */
export interface ProcessorEmit {
  entity(entity: Entity, location?: LocationSpec): void;
  relation(relation: EmittedRelation): void;
  error(error: Error | string, details?: ErrorDetails): void;
  refresh(key: string): void;
}

/**
 * Extends catalog processing. Every hook is optional; hooks run in the order processors were
 * registered. An error thrown by a hook marks the entity as failed (its last good version is
 * kept and the error recorded); `emit.error` records a problem without failing it.
 *
 * Order per entity: placeholders, `preProcess`, built-in validation, `validate`, reading of
 * `Location` targets (`readLocation` first, then the built-in `file`/`url` readers),
 * built-in relations, `postProcess`.
 *
 * @example
 * ```ts
 * const addTeamLabel: EntityProcessor = {
 *   name: 'team-label',
 *   preProcess(entity) {
 *     const owner = (entity.spec?.owner as string | undefined) ?? 'unknown';
 *     return { ...entity, metadata: { ...entity.metadata, labels: { ...entity.metadata.labels, team: owner } } };
 *   },
 * };
 * const catalog = createCatalog({ processors: [addTeamLabel] });
 * ```
 */
export interface EntityProcessor {
  /** Names the processor in errors and logs. */
  name: string;
  /** Read a location of a type this processor understands; return `true` when it handled it. */
  readLocation?(location: LocationSpec, emit: ProcessorEmit): Promise<boolean> | boolean;
  /** Transform the entity before validation; return the new entity (or nothing to keep it). */
  preProcess?(entity: Entity, location: LocationSpec, emit: ProcessorEmit): Promise<Entity | void> | Entity | void;
  /** Extra validation; throw (an `InputError`) to reject the entity. */
  validate?(entity: Entity, location: LocationSpec, emit: ProcessorEmit): Promise<void> | void;
  /** Emit relations or further entities after validation; may return a changed entity. */
  postProcess?(entity: Entity, location: LocationSpec, emit: ProcessorEmit): Promise<Entity | void> | Entity | void;
}
