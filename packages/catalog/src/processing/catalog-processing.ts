import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@portalkit/core';
import { ANNOTATION_LOCATION } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { locationRootInput } from '../locations/location-entity.js';
import { refKey } from '../query/ref-key.js';
import type { CatalogStore, RefreshClaim, RefreshState, RefreshStateSelector } from '../stores/types.js';
import type { CatalogLibrary } from '../types.js';
import { processEntity, refOf, runPass, type EngineContext, type PassInput, type PassItem } from './engine.js';
import { parseLocationRef, stringifyLocationRef } from './paths.js';
import { refusingReader } from './refusing-reader.js';
import { createWorkLeases } from './work-leases.js';

/** Options of {@link createCatalogProcessing}. */
export interface CatalogProcessingOptions {
  store: CatalogStore;
  /** Readers, processors, validator and concurrency of the processing engine. */
  context: EngineContext;
  /** Stores a pass and deletes refs, restitching what changed. */
  commit(items: Map<string, PassItem>, deleteRefs?: readonly string[]): Promise<void>;
  /**
   * Rebuilds the kinds declared in YAML from the store; true when they changed. Called before the
   * first refresh and after each, which is repeated over everything once when kinds changed.
   */
  reloadKinds?: () => Promise<boolean>;
  /** On a store shared by several processes: how long a worker's lease lasts without renewal. */
  leaseMs: number;
}

/**
 * The processing side of the catalog (Backstage's `CatalogProcessingEngine` loop): runs passes
 * of the engine (processing/engine.ts) over roots and entities and commits them. Callers run
 * one mutation at a time.
 */
export interface CatalogProcessing {
  /** Process entities and what they emit, until quiescent; nothing is stored. */
  pass(inputs: readonly PassInput[]): Promise<Map<string, PassItem>>;
  /** Reprocess and commit everything, one entity's source, or the entities tagged with a refresh key. */
  refresh(options?: { entityRef?: string; key?: string }): Promise<void>;
  /** Reprocess and commit the given refresh states. */
  refreshRows(rows: RefreshState[]): Promise<void>;
  validateEntity: CatalogLibrary['validateEntity'];
  getProcessingErrors: CatalogLibrary['getProcessingErrors'];
}

/**
 * Create the catalog's processing: passes, refreshes, validation without storing, and the
 * processing problems kept with refresh states. On a store with `processingLeases`, workers
 * split refreshes by leasing roots, never process one entity at the same time, and commit one
 * at a time (see `createWorkLeases`).
 *
 * @example
 * ```ts
 * const processing = createCatalogProcessing({ store, context, commit: committer.commit, leaseMs: 30_000 });
 * await processing.refresh();
 * ```
 */
export function createCatalogProcessing(options: CatalogProcessingOptions): CatalogProcessing {
  const { store, context, commit } = options;
  const work = store.processingLeases
    ? createWorkLeases({ leases: store.processingLeases, workerId: randomUUID(), leaseMs: options.leaseMs, passesPerRefresh: 16 })
    : undefined;
  // Claims only: a SQL store then reads no entity JSON for the refs a pass is about to process.
  const claims = (selector: RefreshStateSelector): Promise<RefreshClaim[]> =>
    store.getRefreshClaims ? store.getRefreshClaims(selector) : store.getRefreshStates(selector);
  const storedClaims = async (refs: string[]) => new Map((await claims({ refs })).map((r) => [r.entityRef, r]));
  const pass = (inputs: readonly PassInput[]) => runPass(inputs, context, storedClaims, work?.entities);
  const noPlaceholderReads = refusingReader('placeholders are not read when validating an entity (its location comes from the caller)');

  const refreshRows = async (rows: RefreshState[]) => {
    if (!rows.length) return;
    await commit(await pass(rows.map(rowInput)));
  };
  const refreshAll = async () => {
    const locations = await store.listLocations();
    // Every state's claim, then only the provider roots' whole states (not every entity's JSON).
    const providerRefs = (await claims({ all: true })).filter((r) => r.rootKey?.startsWith('provider:')).map((r) => r.entityRef);
    const byRef = new Map((providerRefs.length ? await store.getRefreshStates({ refs: providerRefs }) : []).map((r) => [r.entityRef, r]));
    const providerRoots = providerRefs.flatMap((ref) => byRef.get(ref) ?? []);
    const inputs = [...locations.map(locationRootInput), ...providerRoots.map(rowInput)];
    if (work) await work.eachRootBatch(inputs, async (batch) => commit(await pass(batch)));
    else await commit(await pass(inputs));
  };

  let kindsLoaded: Promise<unknown> | undefined;
  const refreshOnce = async (refreshOptions: { entityRef?: string; key?: string }) => {
    if (refreshOptions.entityRef) {
      const key = refKey(refreshOptions.entityRef);
      const [row] = await store.getRefreshStates({ refs: [key] });
      if (!row) throw new NotFoundError(`No entity ${key}`);
      // An entity's content comes from whoever read it, so its parents are what re-read it.
      const start = row.rootKey || row.parentRefs.length === 0 ? [row] : await store.getRefreshStates({ refs: row.parentRefs });
      await refreshRows(start);
    } else if (refreshOptions.key) {
      await refreshRows(await store.getRefreshStates({ refreshKeys: [refreshOptions.key] }));
    } else {
      await refreshAll();
    }
  };

  return {
    pass,
    refreshRows,
    async refresh(refreshOptions = {}) {
      kindsLoaded ??= options.reloadKinds?.();
      await kindsLoaded;
      await refreshOnce(refreshOptions);
      // A KindDefinition that came, changed or went: everything is judged again by the new kinds.
      if (await options.reloadKinds?.()) await refreshAll();
    },

    async validateEntity(entity, locationRef) {
      // The pipeline expects an object envelope; anything else is simply not a valid entity.
      const envelope = entity as { metadata?: unknown } | null;
      if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope) || !envelope.metadata || typeof envelope.metadata !== 'object') {
        return { valid: false, errors: [{ name: 'InputError', message: 'entity must be an object with a metadata object' }] };
      }
      const candidate = entity as Entity;
      const location = parseLocationRef(locationRef);
      const withLocation = location
        ? {
            ...candidate,
            metadata: {
              ...candidate.metadata,
              annotations: { ...(candidate.metadata.annotations ?? {}), [ANNOTATION_LOCATION]: stringifyLocationRef(location) },
            },
          }
        : candidate;
      const outcome = await processEntity(
        { ref: refOf(entity) ?? 'unknown:default/unknown', entity: withLocation },
        // The location comes from the caller: placeholders are checked for form, never read.
        // Catalog rules judge what locations contribute, not an entity checked on its own (Backstage's validate-entity).
        { ...context, skipLocationReading: true, fileReader: noPlaceholderReads, urlReader: noPlaceholderReads, rules: undefined },
      );
      if (outcome.processed && outcome.errors.length === 0) return { valid: true };
      const errors = outcome.errors.length ? outcome.errors : [{ name: 'InputError', message: 'entity is not valid' }];
      return { valid: false, errors: errors.map((e) => ({ name: e.name, message: e.message })) };
    },

    async getProcessingErrors() {
      const rows = await store.getRefreshStates({ all: true });
      return rows
        .filter((r) => r.errors.length > 0)
        .sort((a, b) => (a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : 0))
        .map((r) => ({
          entityRef: r.entityRef,
          ...(r.locationKey ? { locationKey: r.locationKey } : {}),
          served: r.processed !== undefined,
          errors: r.errors.map((e) => ({ ...e })),
        }));
    },
  };
}

/** The pass input that reprocesses a stored entity from what was last read. */
function rowInput(row: RefreshState): PassInput {
  return {
    ref: row.entityRef,
    entity: row.unprocessed,
    ...(row.rootKey ? { rootKey: row.rootKey } : {}),
    ...(row.locationKey ? { locationKey: row.locationKey } : {}),
  };
}
