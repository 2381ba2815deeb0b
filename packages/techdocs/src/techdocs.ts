import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  InputError,
  createLogger,
  createPortalAuth,
  isError,
  type EventBus,
  type Handler,
  type Logger,
  type Metrics,
  type PortalAuth,
  type Principal,
  type UrlReader,
} from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { authorizeTechDocs, hostTechDocs, type PrincipalTechDocs } from './authorized.js';
import { docsEntityName, docsEntityRef } from './entity.js';
import { TECHDOCS_TOPICS, type TechDocsSiteBuiltEvent } from './events/index.js';
import { createDocsBuilder, type DocsBuilderOptions } from './generate/build.js';
import { prepareDocs, type PreparedDocs } from './prepare/index.js';
import type { DocsPublisher } from './publish/types.js';
import type { BuildResult, DocsEntityName, TechDocsBuildOptions, TechDocsEntity } from './types.js';
import { entityAtRef } from './prepare/at-ref.js';
import { checkDocsVersion, docsVersionSchema } from './publish/versions.js';
import { recordDocsBuild } from './build-metrics.js';

/**
 * Options of {@link createTechDocs}.
 *
 * @example
 * ```ts
 * const options: TechDocsOptions = {
 *   publisher: localPublisher({ root: './published-docs' }),
 *   getEntity: async (name) => catalog.getEntity(name),
 *   root: process.cwd(),
 * };
 * ```
 */
export interface TechDocsOptions {
  publisher: DocsPublisher;
  /** How sites are built (sanitising, strict mode, extra plugins). */
  builder?: DocsBuilderOptions;
  /** Looks entities up for `/sync` and `/metadata/entity`; without it those answer 404. */
  getEntity?(name: DocsEntityName): Promise<TechDocsEntity | undefined> | TechDocsEntity | undefined;
  /** Reads `url:` docs sources of hosts `integrations` does not serve. */
  reader?: UrlReader;
  /**
   * Source hosts (`createIntegrations` of `@portalkit/integrations`): `techdocs-ref: url:<tree
   * URL>` and `dir:` refs of entities read from a host are read through the host's `readTree`,
   * with its credentials and tree limits. See docs/integrations/consumers.md.
   */
  integrations?: ScmIntegrations;
  /** Local docs sources must stay below this directory; default the current directory. */
  root?: string;
  /** Temp dirs for prepared sources and builds go here; default the OS temp dir. */
  workDir?: string;
  logger?: Logger;
  /**
   * Where `techdocs.site.built` is published each time a site is built and published (by `build`,
   * or by `sync` when the sources changed). `techdocsPlugin` defaults it to the portal's bus.
   */
  events?: TechDocsEventSink;
  /**
   * Where builds are counted and timed (by result); `techdocsPlugin` defaults it to the
   * portal's registry. A function is read at each build.
   */
  metrics?: Metrics | (() => Metrics | undefined);
  /**
   * Identity, policy and audit for `forPrincipal` and the HTTP routes; default anonymous and
   * allow-all (`techdocsPlugin` defaults it to the portal's).
   */
  auth?: PortalAuth;
}

/**
 * The part of core's `EventBus` TechDocs needs: it only publishes its own topics.
 *
 * @example
 * ```ts
 * const events: TechDocsEventSink = createEventBus();
 * ```
 */
export type TechDocsEventSink = Pick<EventBus<Record<string, unknown>>, 'publish'>;

/** The outcome of {@link TechDocs.sync}. */
export interface SyncResult {
  updated: boolean;
  result?: BuildResult;
}

/**
 * TechDocs without its HTTP layer: build, sync and publish an entity's docs. Called directly it
 * is the trusted host (everything allowed; builds and syncs audited as the host principal);
 * `forPrincipal` is what a principal may do.
 */
export interface TechDocsLibrary {
  /**
   * Prepare, build and publish an entity's docs now: the default (latest) site, or with
   * `version` and/or `ref` a named version (read at a git tag or branch with `ref`).
   */
  build(entity: TechDocsEntity, options?: TechDocsBuildOptions): Promise<BuildResult>;
  /** Build when the docs are missing or their sources changed since the last build. */
  sync(entity: TechDocsEntity, options?: { onLog?(message: string): void }): Promise<SyncResult>;
  publisher: DocsPublisher;
  /**
   * TechDocs as `principal` may use it: docs (files, metadata) of an entity are readable when the
   * entity is (`catalog.entity.read`, conditions applied to the entity) and otherwise not found;
   * builds, syncs and publishes also need `techdocs.entity.sync` and are audited (with the id of
   * `options.request`, when given).
   */
  forPrincipal(principal: Principal, options?: { request?: Request }): PrincipalTechDocs;
  /** The auth in use (`options.auth`, else anonymous and allow-all). */
  readonly auth: PortalAuth;
}

/**
 * TechDocs as a service: build and publish an entity's docs, keep them current, and serve them
 * over Backstage's TechDocs backend routes.
 *
 * @example
 * ```ts
 * const techdocs = createTechDocs({ publisher: memoryPublisher(), getEntity });
 * await techdocs.build(entity);
 * const res = await techdocs.request('/static/docs/default/component/svc/index.html');
 * ```
 */
export interface TechDocs extends TechDocsLibrary {
  /** The HTTP handler, serving routes below `basePath` (default `/api/techdocs`). */
  handler(options?: { basePath?: string }): Handler;
  /** Call the handler (mounted at `/`) without a server, for tests. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Create the TechDocs library; the public `createTechDocs` (create-techdocs.ts) adds `handler()`
 * and `request()`, so this module never imports its HTTP handler.
 */
export function createTechDocsLibrary(options: TechDocsOptions): TechDocsLibrary {
  if (!options?.publisher) throw new InputError('createTechDocs: publisher is required');
  const logger = options.logger ?? createLogger({ fields: { plugin: 'techdocs' } });
  const builder = createDocsBuilder(options.builder);
  const root = path.resolve(options.root ?? process.cwd());
  const sourceReaders = { reader: options.reader, ...(options.integrations ? { integrations: options.integrations } : {}) };
  // One build per entity at a time: concurrent syncs of the same docs share it.
  const running = new Map<string, Promise<SyncResult>>();

  const buildPrepared = async (
    entity: TechDocsEntity,
    prepared: PreparedDocs,
    onLog: (message: string) => void,
    version?: string,
  ): Promise<BuildResult> => {
    const output = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'techdocs-site-'));
    const started = performance.now();
    let outcome: 'ok' | 'partial' | 'error' = 'error';
    try {
      onLog(`Prepared ${prepared.copied.files} source files (${prepared.copied.bytes} bytes)`);
      onLog('Generating documentation');
      const built = await builder.build({ source: prepared.dir, output, etag: prepared.etag });
      // What prepare left out (links skipped) is reported with the build's own warnings.
      const result: BuildResult = { ...built, warnings: [...prepared.warnings, ...built.warnings] };
      for (const warning of result.warnings) {
        onLog(`WARNING ${warning.file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}`);
      }
      const failed = result.failed.length > 0 ? `, ${result.failed.length} failed (${result.failed.map((f) => f.file).join(', ')})` : '';
      onLog(`Rendered ${result.rendered.length} page(s)${failed}; publishing`);
      await options.publisher.publish({ entity, directory: output, ...(version === undefined ? {} : { version }) });
      onLog(version === undefined ? 'Published documentation' : `Published documentation version ${version}`);
      await announce(entity, output, version);
      outcome = result.failed.length > 0 ? 'partial' : 'ok';
      return result;
    } finally {
      const metrics = typeof options.metrics === 'function' ? options.metrics() : options.metrics;
      if (metrics) recordDocsBuild(metrics, outcome, (performance.now() - started) / 1000);
      await Promise.all([rm(output, { recursive: true, force: true }), prepared.cleanup()]);
    }
  };

  /** Tells the bus (search) about a freshly published site, with its search index. */
  const announce = async (entity: TechDocsEntity, output: string, version?: string): Promise<void> => {
    if (!options.events) return;
    const entityRef = docsEntityRef(docsEntityName(entity));
    try {
      const searchIndex = JSON.parse(await readFile(path.join(output, 'search', 'search_index.json'), 'utf8')) as TechDocsSiteBuiltEvent['searchIndex'];
      // Sent as given: consumers parse it with techdocsSiteBuiltEvent.
      const event = { entityRef, entity: entity as TechDocsSiteBuiltEvent['entity'], searchIndex, ...(version === undefined ? {} : { version }) };
      await options.events.publish(TECHDOCS_TOPICS.siteBuilt, event);
    } catch (error) {
      // The site is published either way; a consumer catches up on its next full rebuild.
      logger.warn('techdocs: could not announce the built site', { entity: entityRef, error });
    }
  };

  const once = (entity: TechDocsEntity, run: () => Promise<SyncResult>, version?: string): Promise<SyncResult> => {
    const key = `${docsEntityRef(docsEntityName(entity))}${version === undefined ? '' : `@${version}`}`;
    const existing = running.get(key);
    if (existing) return existing;
    const promise = run().finally(() => running.delete(key));
    running.set(key, promise);
    return promise;
  };

  const operations: Pick<TechDocsLibrary, 'build' | 'sync' | 'publisher'> = {
    publisher: options.publisher,
    async build(entity, buildOptions = {}) {
      const onLog = buildOptions.onLog ?? ((m: string) => logger.info(m, { entity: docsEntityRef(docsEntityName(entity)) }));
      const { ref } = buildOptions;
      // A ref that is a valid version name names its own version (`v1.0.0`); `release/1.x` needs one.
      const version =
        buildOptions.version ?? (ref !== undefined && docsVersionSchema.safeParse(ref).success ? ref : undefined);
      if (ref !== undefined && version === undefined) throw new InputError(`git ref '${ref}' is not a version name; give the build a version`);
      if (version !== undefined) checkDocsVersion(version);
      const source = ref === undefined ? entity : entityAtRef(entity, ref, { integrations: options.integrations });
      const synced = await once(
        entity,
        async () => {
          onLog(`Preparing documentation sources${ref === undefined ? '' : ` at ${ref}`}`);
          const prepared = await prepareDocs({ entity: source }, { root, ...sourceReaders, workDir: options.workDir });
          return { updated: true, result: await buildPrepared(entity, prepared, onLog, version) };
        },
        version,
      );
      if (!synced.result) throw new InputError('build was superseded by a sync that found the docs current');
      return synced.result;
    },
    sync(entity, syncOptions = {}) {
      const onLog = syncOptions.onLog ?? ((m: string) => logger.info(m, { entity: docsEntityRef(docsEntityName(entity)) }));
      return once(entity, async () => {
        const generated = await options.publisher.hasDocsBeenGenerated(entity);
        const previousEtag = generated
          ? await options.publisher.fetchTechDocsMetadata(entity).then((m) => m.etag, () => undefined)
          : undefined;
        onLog('Preparing documentation sources');
        let prepared: PreparedDocs;
        try {
          prepared = await prepareDocs(
            { entity },
            { root, ...sourceReaders, workDir: options.workDir, etag: previousEtag },
          );
        } catch (error) {
          if (generated && isError(error) && error.name === 'NotModifiedError') {
            onLog('Docs are up to date (cached)');
            return { updated: false };
          }
          throw error;
        }
        if (generated && previousEtag !== undefined && prepared.etag === previousEtag) {
          await prepared.cleanup();
          onLog('Docs are up to date (cached)');
          return { updated: false };
        }
        return { updated: true, result: await buildPrepared(entity, prepared, onLog) };
      });
    },
  };
  const auth = options.auth ?? createPortalAuth({ logger });
  const host = hostTechDocs(operations, () => auth);
  return {
    ...host,
    auth,
    forPrincipal: (principal, viewOptions = {}) =>
      authorizeTechDocs(operations, principal, { auth: () => auth, getEntity: options.getEntity, request: viewOptions.request }),
  };
}
