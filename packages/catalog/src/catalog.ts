import { resolve } from 'node:path';
import { InputError, createFileReader, createLogger, createPortalAuth, createUrlReader } from '@portalkit/core';
import type { Logger, PortalAuth, Principal, UrlReader } from '@portalkit/core';
import { builtinKinds } from '@portalkit/catalog-model';
import { type CatalogAccess, hostAccess, principalAccess } from './authorization/access.js';
import { createCatalogView } from './authorization/authorized-catalog.js';
import { auditedConnection } from './authorization/audited-connection.js';
import { createAuditedMutations } from './authorization/catalog-audit.js';
import type { CatalogParts } from './authorization/catalog-parts.js';
import { type CatalogMetricsRecorder, createCatalogMetricsRecorder } from './catalog-metrics.js';
import { createKindRegistry } from './kinds/kind-registry.js';
import { createLocationService } from './locations/location-service.js';
import { createRefreshLoop } from './refresh-loop.js';
import { createCatalogProcessing } from './processing/catalog-processing.js';
import type { EngineContext } from './processing/engine.js';
import type { EntityProcessor } from './processing/processor.js';
import { type EntityProvider, providerName } from './processing/provider.js';
import { createProviderConnections } from './providers/provider-connections.js';
import { createProviderRunner } from './providers/provider-runner.js';
import { createRetryPolicy } from './providers/retry-policy.js';
import { assertSchedule } from './providers/scheduled-provider.js';
import { parseCatalogRules, parseLocationRules } from './rules/catalog-rule.js';
import { createCatalogRulesEnforcer } from './rules/rules-enforcer.js';
import { createEntityWriter } from './write-back/entity-writer.js';
import { createCommitter } from './stitching/committer.js';
import { memoryStore } from './stores/memory.js';
import type { CatalogLibrary, CatalogOptions } from './types.js';

/** The `url` reader: a configured host's reader first, then the `reader` option (default: files below the root). */
function catalogUrlReader(options: CatalogOptions, rootDir: string): UrlReader {
  const fallback = options.reader ?? createUrlReader({ file: { root: rootDir } });
  if (!options.integrations) return fallback;
  return createUrlReader({ readers: [options.integrations.reader, fallback] });
}

/** Location types principals may use when the host gives no `allowedLocationTypes` (see CatalogOptions). */
const DEFAULT_ALLOWED_LOCATION_TYPES = ['url', 'file'];

/**
 * Create a catalog: register locations (or connect providers), run `refresh()` (or `start()`),
 * then read with `query`, `getEntities`, `getEntityByRef`, ... The method shapes mirror
 * `@backstage/catalog-client`. Processors are added with `processors` or `use()` until the first
 * run; after that the pipeline is frozen.
 *
 * This is the library without its HTTP layer; the public `createCatalog` (create-catalog.ts)
 * adds `handler()`, so the library never imports its handler. It composes the catalog's parts,
 * split as Backstage splits its catalog — the location service, provider connections,
 * processing, the committer/stitcher and the entities reader — and owns only lifecycle: the
 * one-at-a-time mutation lock, first-run initialisation (configured locations, providers'
 * `connect`), freezing `use()`, and the `start()`/`stop()` loop. What callers see is a view over
 * those parts (authorization/): the host's allows everything, `forPrincipal`'s asks the policy;
 * both audit every mutation.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ rootDir: process.cwd() });
 * await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
 * const { items } = await catalog.query({ filter: { kind: 'component', 'spec.type': 'service' } });
 * ```
 */
export function createCatalogLibrary(options: CatalogOptions = {}): CatalogLibrary {
  assertOptions(options);
  const rootDir = resolve(options.rootDir ?? process.cwd());
  const store = options.store ?? memoryStore();
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const processors: EntityProcessor[] = [...(options.processors ?? [])];
  const kinds = createKindRegistry({
    kinds: options.kinds ?? builtinKinds,
    allowUnknownKinds: options.allowUnknownKinds ?? false,
    declaredKinds: options.declaredKinds ?? true,
    logger,
  });
  const context: EngineContext = {
    rootDir,
    fileReader: createFileReader({ root: rootDir }),
    urlReader: catalogUrlReader(options, rootDir),
    ...(options.integrations ? { integrations: options.integrations } : {}),
    processors,
    // The registry's validator changes when a KindDefinition is committed: read it at each use.
    get validator() {
      return kinds.validator();
    },
    declaredRelations: (kind) => kinds.relationRules(kind),
    concurrency: options.concurrency ?? 16,
    rules: createCatalogRulesEnforcer({ rootDir, ...(options.rules ? { rules: options.rules } : {}), locations: options.locations ?? [] }),
  };
  // The portal's bus and auth arrive with `start(context)`; options win.
  let events = options.events;
  let auth: PortalAuth | undefined = options.auth;
  let defaultAuth: PortalAuth | undefined;
  const currentAuth = () => auth ?? (defaultAuth ??= createPortalAuth({ logger }));
  let frozen = false;
  let init: Promise<void> | undefined;
  let lock: Promise<unknown> = Promise.resolve();

  /** Mutations run one at a time: each pass sees the state the previous one committed. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  };

  const committer = createCommitter({ store, logger, events: () => events });
  const { cascade } = committer;
  // The portal's metrics arrive with `start(context)`; options win.
  let recorder: CatalogMetricsRecorder | undefined = options.metrics ? createCatalogMetricsRecorder(options.metrics) : undefined;
  const commit: typeof committer.commit = async (items, deleteRefs) => {
    await committer.commit(items, deleteRefs);
    recorder?.committed(items);
  };
  const processing = createCatalogProcessing({ store, context, commit, leaseMs: options.processingLeaseMs ?? 30_000, reloadKinds: () => kinds.reload(store) });
  const { pass, refreshRows } = processing;
  const locations = createLocationService({ store, rootDir, exclusive, pass, commit, cascade });
  const audited = createAuditedMutations(currentAuth);
  const writer = createEntityWriter({
    store,
    validateEntity: processing.validateEntity,
    // A provider-owned entity changed directly is processed and committed like any mutation: one at a time.
    refreshRows: (rows) => exclusive(() => refreshRows(rows)),
    integrations: options.integrations,
    author: options.writeBackAuthor,
  });
  const allowedLocationTypes = Object.freeze([...(options.allowedLocationTypes ?? DEFAULT_ALLOWED_LOCATION_TYPES)]);

  // Two phases: providers' mutations only need the locations stored, so a provider may await
  // `applyMutation` inside `connect` without waiting on its own connection.
  let locationsReady: Promise<void> | undefined;
  const ensureLocations = (): Promise<void> => {
    locationsReady ??= (async () => {
      frozen = true;
      await locations.registerConfigured(options.locations ?? []);
    })();
    return locationsReady;
  };
  const providers = createProviderConnections({ store, logger, ready: ensureLocations, exclusive, pass, commit, cascade, refreshRows });
  // Connects every provider, retries failures with backoff, runs scheduled providers, keeps their status.
  const runner = createProviderRunner({
    providers: options.providers ?? [],
    connectionFor: (provider) => {
      // Every provider has a name: assertOptions refused those without.
      const name = providerName(provider) ?? '';
      return auditedConnection(providers.connectionFor(name), name, audited);
    },
    retry: createRetryPolicy(options.providerRetry, 'createCatalog'),
    logger,
    events: () => events,
  });
  let stopped = false;
  const ensureInit = (): Promise<void> => {
    init ??= (async () => {
      await ensureLocations();
      // Resolves once each provider's first attempt settled (bounded by providerRetry.timeoutMs).
      await runner.start();
    })();
    return init;
  };

  const parts: CatalogParts = {
    store,
    audited,
    locations: {
      ...locations,
      addLocation: async (spec, addOptions) => {
        await ensureInit();
        return locations.addLocation(spec, addOptions);
      },
      removeLocation: async (id) => {
        await ensureInit();
        await locations.removeLocation(id);
      },
      updateLocation: async (id, spec) => {
        await ensureInit();
        return locations.updateLocation(id, spec);
      },
    },
    validateEntity: processing.validateEntity,
    getProcessingErrors: processing.getProcessingErrors,
    providerStatuses: async () => runner.statuses(),
    removeEntityByUid: (uid) => exclusive(() => committer.removeEntityByUid(uid)),
    updateEntity: async (entity, update, actor) => {
      await ensureInit();
      return writer.update(entity, update, actor);
    },
    refresh: async (refreshOptions) => {
      await ensureInit();
      const scope = refreshOptions?.entityRef ? 'entity' : refreshOptions?.key ? 'key' : 'all';
      const run = () => processing.refresh(refreshOptions);
      await exclusive(() => (recorder ? recorder.timeRefresh(scope, run) : run()));
    },
  };

  const refreshLoop = createRefreshLoop({
    refresh: () => parts.refresh({}),
    intervalMs: options.refreshIntervalMs ?? 100_000,
    logger,
    ...(options.schedulerLock ? { lock: options.schedulerLock } : {}),
  });

  const catalog: CatalogLibrary = {
    ...createCatalogView(parts, hostAccess()),

    use(processor) {
      if (frozen) {
        throw new InputError(`catalog.use(${JSON.stringify(processor?.name)}): the catalog has already run; add processors before the first refresh`);
      }
      assertProcessor(processor);
      processors.push(processor);
      return catalog;
    },

    forPrincipal(principal, viewOptions = {}) {
      return createCatalogView(parts, accessFor(principal, viewOptions, { auth: currentAuth(), logger, allowedLocationTypes }));
    },

    get auth() {
      return currentAuth();
    },

    async start(startContext = {}) {
      events ??= startContext.events;
      auth ??= startContext.auth;
      if (stopped) {
        stopped = false;
        runner.resume();
      }
      if (!recorder && startContext.metrics) recorder = createCatalogMetricsRecorder(startContext.metrics);
      // The scheduled refresh is housekeeping, not a request: it is not audited.
      await parts.refresh({});
      refreshLoop.start();
    },

    async stop() {
      stopped = true;
      await runner.stop();
      await refreshLoop.stop();
      await lock;
    },
  };
  return catalog;
}

/** The access of `catalog.forPrincipal(principal, viewOptions)`, its arguments checked. */
function accessFor(
  principal: Principal,
  viewOptions: { request?: Request; allowedLocationTypes?: readonly string[] },
  defaults: { auth: PortalAuth; logger: Logger; allowedLocationTypes: readonly string[] },
): CatalogAccess {
  if (!principal || typeof principal !== 'object' || typeof principal.type !== 'string') {
    throw new InputError('catalog.forPrincipal: a principal is required');
  }
  const types = viewOptions.allowedLocationTypes;
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !t))) {
    throw new InputError('catalog.forPrincipal: allowedLocationTypes must be an array of location type names');
  }
  return principalAccess({
    auth: defaults.auth,
    principal,
    logger: defaults.logger,
    allowedLocationTypes: types ? Object.freeze([...types]) : defaults.allowedLocationTypes,
    ...(viewOptions.request ? { request: viewOptions.request } : {}),
  });
}

/** Reject misuse at creation, naming the factory. */
function assertOptions(options: CatalogOptions): void {
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
  const types = options.allowedLocationTypes;
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !t))) {
    throw new InputError('createCatalog: allowedLocationTypes must be an array of location type names');
  }
  const lock = options.schedulerLock;
  if (lock !== undefined && (typeof lock?.tryAcquire !== 'function' || typeof lock.release !== 'function')) {
    throw new InputError('createCatalog: schedulerLock must be a SchedulerLock (tryAcquire and release)');
  }
  if (options.rules !== undefined) parseCatalogRules(options.rules, 'createCatalog', ['rules']);
  if (options.locations !== undefined && !Array.isArray(options.locations)) throw new InputError('createCatalog: locations must be an array');
  options.locations?.forEach((l, i) => {
    if (l?.rules !== undefined) parseLocationRules(l.rules, 'createCatalog', ['locations', i, 'rules']);
  });
  const integrations = options.integrations;
  if (integrations !== undefined && (typeof integrations?.byUrl !== 'function' || typeof integrations.reader?.read !== 'function')) {
    throw new InputError('createCatalog: integrations must be a ScmIntegrations (createIntegrations of @portalkit/integrations)');
  }
  for (const p of options.processors ?? []) assertProcessor(p);
  if (options.providers !== undefined && !Array.isArray(options.providers)) throw new InputError('createCatalog: providers must be an array');
  const names = new Set<string>();
  for (const p of options.providers ?? []) {
    const name = assertProvider(p);
    // Each provider owns the entities under its name: two with one name would replace each other's.
    if (names.has(name)) throw new InputError(`createCatalog: two providers are named ${JSON.stringify(name)}; provider names must be unique`);
    names.add(name);
  }
}

/**
 * A provider needs a name (`name` or Backstage's `getProviderName()`) and `connect`; a
 * `schedule` needs `run` and timer-sized numbers. Returns the name.
 */
function assertProvider(p: EntityProvider): string {
  const name = p && typeof p === 'object' ? providerName(p) : undefined;
  if (!name || typeof p.connect !== 'function') {
    throw new InputError('createCatalog: each provider needs a name (or getProviderName()) and a connect() function');
  }
  if (p.schedule === undefined) return name;
  const where = `createCatalog: provider ${JSON.stringify(name)}`;
  if (typeof p.run !== 'function') throw new InputError(`${where} has a schedule but no run() function`);
  assertSchedule(p.schedule, where);
  return name;
}

function assertProcessor(p: EntityProcessor) {
  if (!p || typeof p !== 'object' || typeof p.name !== 'string' || !p.name) {
    throw new InputError('createCatalog: each processor needs a name');
  }
}
