import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  createFileReader,
  createLogger,
  createUrlReader,
  isPathInside,
} from '@portalkit/core';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  builtinKinds,
  createEntityValidator,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity, } from '@portalkit/catalog-model';
import { refOf, runPass, processEntity, type EngineContext, type PassInput, } from './processing/engine.js';
import { parseLocationRef, stringifyLocationRef } from './processing/paths.js';
import type { EntityProcessor } from './processing/processor.js';
import { createProviderConnections } from './providers/provider-connections.js';
import { refusingReader } from './processing/refusing-reader.js';
import { createCommitter } from './stitching/committer.js';
import { createEntitiesReader } from './entities/entities-reader.js';
import { refKey } from './query/ref-key.js';
import { createWorkLeases } from './processing/work-leases.js';
import { queryLocationList } from './query/locations.js';
import { memoryStore } from './stores/memory.js';
import { assertLocationTargetLength } from './stores/text-limits.js';
import type { RefreshState, StoredLocation } from './stores/types.js';
import type {
  CatalogLibrary,
  CatalogOptions,
  Location,
} from './types.js';

/**
 * Create a catalog: register locations (or connect providers), run `refresh()` (or `start()`),
 * then read with `query`, `getEntities`, `getEntityByRef`, ... The method shapes mirror
 * `@backstage/catalog-client`. Processors are added with `processors` or `use()` until the first
 * run; after that the pipeline is frozen.
 *
 * This is the library without its HTTP layer; the public `createCatalog` (create-catalog.ts)
 * adds `handler()`, so the library never imports its handler.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ rootDir: process.cwd() });
 * await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
 * const { items } = await catalog.query({ filter: { kind: 'component', 'spec.type': 'service' } });
 * ```
 */
export function createCatalogLibrary(options: CatalogOptions = {}): CatalogLibrary {
  if (options === null || typeof options !== 'object') throw new InputError('createCatalog: options must be an object');
  if (options.rootDir !== undefined && typeof options.rootDir !== 'string') {
    throw new InputError('createCatalog: rootDir must be a path string');
  }
  for (const key of ['concurrency', 'refreshIntervalMs', 'processingLeaseMs'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new InputError(`createCatalog: ${key} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  for (const p of options.processors ?? []) assertProcessor(p);
  for (const p of options.providers ?? []) {
    if (!p || typeof p.name !== 'string' || typeof p.connect !== 'function') {
      throw new InputError('createCatalog: each provider needs a name and a connect() function');
    }
  }
  const rootDir = resolve(options.rootDir ?? process.cwd());
  const store = options.store ?? memoryStore();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const processors: EntityProcessor[] = [...(options.processors ?? [])];
  const validator = createEntityValidator({
    kinds: options.kinds ?? builtinKinds,
    allowUnknownKinds: options.allowUnknownKinds ?? false,
  });
  const context: EngineContext = {
    rootDir,
    fileReader: createFileReader({ root: rootDir }),
    urlReader: options.reader ?? createUrlReader({ file: { root: rootDir } }),
    processors,
    validator,
    concurrency: options.concurrency ?? 16,
  };
  const noPlaceholderReads = refusingReader('placeholders are not read when validating an entity (its location comes from the caller)');
  // On a store shared by several processes, workers split refreshes by leasing roots, never
  // process one entity at the same time, and commit one at a time (see createWorkLeases).
  const work = store.processingLeases
    ? createWorkLeases({ leases: store.processingLeases, workerId: randomUUID(), leaseMs: options.processingLeaseMs ?? 30_000, passesPerRefresh: 16 })
    : undefined;
  const pass = (inputs: readonly PassInput[]) => runPass(inputs, context, storedClaims, work?.entities);
  // The portal's bus arrives with `start(context)`; options win.
  let events = options.events;
  let frozen = false;
  let init: Promise<void> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let lock: Promise<unknown> = Promise.resolve();

  /** Mutations run one at a time: each pass sees the state the previous one committed. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  };

  const storedClaims = async (refs: string[]) => {
    const rows = await store.getRefreshStates({ refs });
    return new Map(rows.map((r) => [r.entityRef, r]));
  };

  // Two phases: providers' mutations only need the locations stored, so a provider may await
  // `applyMutation` inside `connect` without waiting on its own connection.
  let locationsReady: Promise<void> | undefined;
  const ensureLocations = (): Promise<void> => {
    locationsReady ??= (async () => {
      frozen = true;
      const existing = await store.listLocations();
      for (const spec of options.locations ?? []) {
        const loc = normalizeLocation(spec, rootDir);
        if (existing.some((e) => e.type === loc.type && e.target === loc.target)) continue;
        const stored: StoredLocation = { id: randomUUID(), ...loc, createdAt: new Date().toISOString() };
        await store.transaction(async (tx) => tx.putLocation(stored));
        existing.push(stored);
      }
    })();
    return locationsReady;
  };
  const ensureInit = (): Promise<void> => {
    init ??= (async () => {
      await ensureLocations();
      for (const provider of options.providers ?? []) {
        try {
          await provider.connect(providerConnections.connectionFor(provider.name));
        } catch (error) {
          logger.error('entity provider failed to connect', { provider: provider.name, error });
        }
      }
    })();
    return init;
  };

  const committer = createCommitter({ store, logger, events: () => events });
  const { commit, cascade } = committer;

  const providerConnections = createProviderConnections({
    store,
    logger,
    ready: ensureLocations,
    exclusive,
    pass,
    commit,
    cascade,
    refreshRows,
  });

  const locationRootKey = (id: string) => `location:${id}`;
  const rootInput = (loc: StoredLocation): PassInput => {
    const entity = locationEntityFor(loc);
    return { ref: stringifyEntityRef(entity), entity, rootKey: locationRootKey(loc.id) };
  };
  /** The registered location with this id (from `locations` when already listed), else a 404. */
  const storedLocation = async (id: string, locations?: StoredLocation[]): Promise<StoredLocation> => {
    const loc = (locations ?? (await store.listLocations())).find((l) => l.id === id);
    if (!loc) throw new NotFoundError(`Found no location with ID ${id}`);
    return loc;
  };
  /** Refs of the entities a location's tree hangs from (its generated `Location` entity). */
  const locationRoots = async (id: string) =>
    (await store.getRefreshStates({ rootKeys: [locationRootKey(id)] })).map((r) => r.entityRef);

  const rowInput = (row: RefreshState): PassInput => ({
    ref: row.entityRef,
    entity: row.unprocessed,
    ...(row.rootKey ? { rootKey: row.rootKey } : {}),
    ...(row.locationKey ? { locationKey: row.locationKey } : {}),
  });

  async function refreshAll() {
    const locations = await store.listLocations();
    const providerRoots = (await store.getRefreshStates({ all: true })).filter((r) => r.rootKey?.startsWith('provider:'));
    const inputs = [...locations.map(rootInput), ...providerRoots.map(rowInput)];
    if (work) await work.eachRootBatch(inputs, async (batch) => commit(await pass(batch)));
    else await commit(await pass(inputs));
  }

  async function refreshRows(rows: RefreshState[]) {
    if (!rows.length) return;
    const items = await pass(rows.map(rowInput));
    await commit(items);
  }

  // ---- reads ------------------------------------------------------------------------------

  const toLocation = (l: StoredLocation): Location => ({
    id: l.id,
    type: l.type,
    target: l.target,
    entityRef: stringifyEntityRef(locationEntityFor(l)),
  });

  const reader = createEntitiesReader({ store });

  const catalog: CatalogLibrary = {
    use(processor) {
      if (frozen) {
        throw new InputError(`catalog.use(${JSON.stringify(processor?.name)}): the catalog has already run; add processors before the first refresh`);
      }
      assertProcessor(processor);
      processors.push(processor);
      return catalog;
    },

    async addLocation(spec, addOptions = {}) {
      await ensureInit();
      const loc = normalizeLocation({ type: spec?.type ?? 'url', target: spec?.target }, rootDir);
      return exclusive(async () => {
        const existing = (await store.listLocations()).find((l) => l.type === loc.type && l.target === loc.target);
        if (addOptions.dryRun) {
          const candidate: StoredLocation = existing ?? { id: randomUUID(), ...loc, createdAt: new Date().toISOString() };
          const items = await pass([rootInput(candidate)]);
          const errors = [...items.values()].flatMap((i) => i.errors);
          if (errors.length) {
            throw new InputError(
              `Location ${stringifyLocationRef(loc)} has ${errors.length} problem(s): ${errors.slice(0, 5).map((e) => e.message).join('; ')}`,
            );
          }
          return {
            location: toLocation(candidate),
            entities: [...items.values()].flatMap((i) => (i.processed ? [i.processed] : [])),
            exists: existing !== undefined,
          };
        }
        if (existing) throw new ConflictError(`Location ${stringifyLocationRef(loc)} already exists`);
        const stored: StoredLocation = { id: randomUUID(), ...loc, createdAt: new Date().toISOString() };
        await store.transaction(async (tx) => tx.putLocation(stored));
        const items = await pass([rootInput(stored)]);
        await commit(items);
        const finals = await store.getEntities({ refs: [...items.keys()] });
        const byRef = new Map(finals.map((f) => [f.entityRef, f]));
        return {
          location: toLocation(stored),
          entities: [...items.keys()].flatMap((ref) => {
            const row = byRef.get(ref);
            return row ? [structuredClone(row.entity)] : [];
          }),
        };
      });
    },

    async removeLocation(id) {
      await ensureInit();
      await exclusive(async () => {
        await storedLocation(id);
        const deletes = await cascade(await locationRoots(id));
        await store.transaction(async (tx) => tx.deleteLocation(id));
        await commit(new Map(), deletes);
      });
    },

    async getLocations() {
      return (await store.listLocations()).map(toLocation);
    },

    async queryLocations(request) {
      return queryLocationList((await store.listLocations()).map(toLocation), request);
    },

    async updateLocation(id, spec) {
      await ensureInit();
      const loc = normalizeLocation({ type: spec?.type ?? 'url', target: spec?.target }, rootDir);
      return exclusive(async () => {
        const locations = await store.listLocations();
        const current = await storedLocation(id, locations);
        if (locations.some((l) => l.id !== id && l.type === loc.type && l.target === loc.target)) {
          throw new ConflictError(`Location ${stringifyLocationRef(loc)} already exists`);
        }
        const updated: StoredLocation = { ...current, ...loc };
        const formerRoots = await locationRoots(id);
        // Read the new target before changing anything: a pass that throws leaves all as it was.
        const items = await pass([rootInput(updated)]);
        const doomed = (await cascade(formerRoots)).filter((ref) => !items.has(ref));
        await store.transaction(async (tx) => tx.putLocation(updated));
        await commit(items, doomed);
        return toLocation(updated);
      });
    },

    async getLocation(id) {
      return toLocation(await storedLocation(id));
    },

    async getLocationByEntity(ref) {
      const key = refKey(ref);
      const [row] = await store.getEntities({ refs: [key] });
      if (!row) throw new NotFoundError(`No entity ${key}`);
      const annotations = row.entity.metadata.annotations ?? {};
      const origin = parseLocationRef(annotations[ANNOTATION_ORIGIN_LOCATION] ?? annotations[ANNOTATION_LOCATION]);
      const loc = origin && (await store.listLocations()).find((l) => l.type === origin.type && l.target === origin.target);
      if (!loc) throw new NotFoundError(`No registered location for entity ${key}`);
      return toLocation(loc);
    },

    async refresh(refreshOptions = {}) {
      await ensureInit();
      await exclusive(async () => {
        if (refreshOptions.entityRef) {
          const key = refKey(refreshOptions.entityRef);
          const [row] = await store.getRefreshStates({ refs: [key] });
          if (!row) throw new NotFoundError(`No entity ${key}`);
          // An entity's content comes from whoever read it, so its parents are what re-read it.
          const start =
            row.rootKey || row.parentRefs.length === 0 ? [row] : await store.getRefreshStates({ refs: row.parentRefs });
          await refreshRows(start);
        } else if (refreshOptions.key) {
          await refreshRows(await store.getRefreshStates({ refreshKeys: [refreshOptions.key] }));
        } else {
          await refreshAll();
        }
      });
    },

    async start(startContext = {}) {
      events ??= startContext.events;
      await catalog.refresh();
      if (timer) return;
      timer = setInterval(() => {
        catalog.refresh().catch((error) => logger.error('catalog refresh failed', { error }));
      }, options.refreshIntervalMs ?? 100_000);
      timer.unref?.();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await lock;
    },

    ...reader,

    async removeEntityByUid(uid) {
      await exclusive(() => committer.removeEntityByUid(uid));
    },

    async validateEntity(entity, locationRef) {
      // The pipeline expects an object envelope; anything else is simply not a valid entity.
      const envelope = entity as { metadata?: unknown } | null;
      if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope) || !envelope.metadata || typeof envelope.metadata !== 'object') {
        return { valid: false, errors: [{ name: 'InputError', message: 'entity must be an object with a metadata object' }] };
      }
      const location = parseLocationRef(locationRef);
      const ref = refOf(entity);
      const candidate = entity as Entity;
      const withLocation =
        location && candidate?.metadata && typeof candidate.metadata === 'object'
          ? {
              ...candidate,
              metadata: {
                ...candidate.metadata,
                annotations: { ...(candidate.metadata.annotations ?? {}), [ANNOTATION_LOCATION]: stringifyLocationRef(location) },
              },
            }
          : candidate;
      const outcome = await processEntity(
        { ref: ref ?? 'unknown:default/unknown', entity: withLocation },
        // The location comes from the caller: placeholders are checked for form, never read.
        { ...context, skipLocationReading: true, fileReader: noPlaceholderReads, urlReader: noPlaceholderReads },
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
  return catalog;
}

function assertProcessor(p: EntityProcessor) {
  if (!p || typeof p !== 'object' || typeof p.name !== 'string' || !p.name) {
    throw new InputError('createCatalog: each processor needs a name');
  }
}

/** Validate a location spec and make `file` targets absolute (inside `rootDir`). */
function normalizeLocation(spec: { type?: string; target?: unknown }, rootDir: string): { type: string; target: string } {
  const type = spec?.type ?? 'url';
  const target = spec?.target;
  if (typeof type !== 'string' || !type) throw new InputError('Location type must be a non-empty string');
  if (typeof target !== 'string' || !target.trim()) throw new InputError('Location target must be a non-empty string');
  assertLocationTargetLength(target);
  if (type === 'file') {
    const absolute = resolve(rootDir, target);
    if (!isPathInside(rootDir, absolute)) throw new NotAllowedError(`Location ${target} is outside the catalog root`);
    return { type, target: absolute };
  }
  if (type === 'url') {
    try {
      return { type, target: new URL(target).toString() };
    } catch {
      throw new InputError(`Location target ${target} is not a valid URL`);
    }
  }
  return { type, target };
}

/** Backstage's generated Location entity for a registered location. */
function locationEntityFor(loc: { type: string; target: string }): Entity {
  const ref = stringifyLocationRef(loc);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: `generated-${createHash('sha1').update(ref).digest('hex')}`,
      namespace: 'default',
      annotations: { [ANNOTATION_LOCATION]: ref, [ANNOTATION_ORIGIN_LOCATION]: ref },
    },
    spec: { type: loc.type, target: loc.target },
  };
}

