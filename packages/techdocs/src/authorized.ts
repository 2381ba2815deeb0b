import {
  NotAllowedError,
  NotFoundError,
  hostPrincipal,
  type PortalAuth,
  type Principal,
} from '@portalkit/core';
import { catalogEntityPermissionRules, catalogEntityReadPermission, type Entity } from '@portalkit/catalog-model';
import { docsEntityName, docsEntityRef } from './entity.js';
import { techdocsEntitySyncPermission } from './permissions.js';
import type { DocsEntityLike, DocsPublisher, VersionOption } from './publish/types.js';
import type { BuildResult, DocsEntityName, TechDocsBuildOptions, TechDocsEntity } from './types.js';

/**
 * TechDocs' operations on an entity's docs: what the library offers the host, and (authorized)
 * what `forPrincipal` offers a principal.
 *
 * @example
 * ```ts
 * const operations: TechDocsOperations = techdocs.forPrincipal(principal);
 * await operations.sync(entity);
 * ```
 */
export interface TechDocsOperations {
  build(entity: TechDocsEntity, options?: TechDocsBuildOptions): Promise<BuildResult>;
  sync(entity: TechDocsEntity, options?: { onLog?(message: string): void }): Promise<SyncOutcome>;
  publisher: DocsPublisher;
}

/**
 * TechDocs as one principal may use it (see `TechDocsLibrary.forPrincipal`).
 *
 * @example
 * ```ts
 * const docs = techdocs.forPrincipal(principal);
 * if (await docs.canRead({ namespace: 'default', kind: 'component', name: 'svc' })) await docs.publisher.readFile(name, 'index.html');
 * ```
 */
export interface PrincipalTechDocs extends TechDocsOperations {
  /**
   * Whether the principal may read the entity's docs: `catalog.entity.read` on the entity
   * (conditions applied to it; given a name, the entity is looked up with `getEntity`, and an
   * unknown entity is unreadable).
   */
  canRead(entity: TechDocsEntity | DocsEntityName): Promise<boolean>;
  /**
   * Check now what a sync needs (a readable entity: else `NotFoundError`; `techdocs.entity.sync`:
   * else `NotAllowedError`, audited as denied) and return the sync to run, audited when it ends.
   * `sync` is this in one step; the HTTP route checks before it opens its event stream.
   */
  prepareSync(entity: TechDocsEntity): Promise<(options?: { onLog?(message: string): void }) => Promise<SyncOutcome>>;
}

/**
 * What a sync reports (the library's `SyncResult`).
 *
 * @example
 * ```ts
 * const { updated } = await techdocs.forPrincipal(principal).sync(entity);
 * ```
 */
export interface SyncOutcome {
  updated: boolean;
  result?: BuildResult;
}

/** What the wrapper needs besides the operations. */
export interface AuthorizeTechDocsOptions {
  auth: () => PortalAuth;
  getEntity?(name: DocsEntityName): Promise<TechDocsEntity | undefined> | TechDocsEntity | undefined;
  /** The HTTP request acted on, if any: its id goes into every audit event. */
  request?: Request | undefined;
}

const isEntity = (value: TechDocsEntity | DocsEntityName): value is TechDocsEntity =>
  typeof (value as TechDocsEntity).metadata === 'object' && (value as TechDocsEntity).metadata !== null;

/**
 * Wrap TechDocs' operations for `principal`: reads are allowed when the entity is readable and
 * otherwise answer `NotFoundError`, as for docs that do not exist; builds, syncs and publishes
 * also need `techdocs.entity.sync` on the entity (`NotAllowedError` when readable but not
 * allowed) and are audited as `techdocs.build`, `techdocs.sync` and `techdocs.publish`.
 */
export function authorizeTechDocs(operations: TechDocsOperations, principal: Principal, options: AuthorizeTechDocsOptions): PrincipalTechDocs {
  const resolve = async (entity: TechDocsEntity | DocsEntityName): Promise<TechDocsEntity | undefined> =>
    isEntity(entity) ? entity : await options.getEntity?.(docsEntityName(entity));

  const allowed = async (entity: TechDocsEntity | DocsEntityName, permission: typeof catalogEntityReadPermission): Promise<boolean> => {
    const auth = options.auth();
    const decision = await auth.authorize(principal, permission);
    if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW';
    const resource = await resolve(entity);
    if (!resource) return false;
    return auth.authorizeResource(principal, permission, resource as unknown as Entity, catalogEntityPermissionRules);
  };

  const requestOf = options.request ? { request: options.request } : {};
  const canRead = (entity: TechDocsEntity | DocsEntityName) => allowed(entity, catalogEntityReadPermission);
  const hidden = (entity: DocsEntityLike) => new NotFoundError(`no docs for ${docsEntityRef(docsEntityName(entity))}`);
  const readable = async (entity: DocsEntityLike): Promise<void> => {
    if (!(await canRead(entity))) throw hidden(entity);
  };

  /** Check read, then the sync permission (denial audited); returns the work, audited when it ends. */
  const prepare = async <T>(
    action: string,
    entity: DocsEntityLike,
    work: () => Promise<T>,
    meta?: (value: T) => Record<string, unknown>,
  ): Promise<() => Promise<T>> => {
    const auth = options.auth();
    const target = docsEntityRef(docsEntityName(entity));
    await readable(entity);
    if (!(await allowed(entity, techdocsEntitySyncPermission))) {
      const error = new NotAllowedError(`Not allowed: ${techdocsEntitySyncPermission.name}`);
      await auth.audit({ plugin: 'techdocs', action, target, outcome: 'denied', principal, ...requestOf, error });
      throw error;
    }
    return async () => {
      try {
        const value = await work();
        await auth.audit({ plugin: 'techdocs', action, target, outcome: 'success', principal, ...requestOf, ...(meta ? { meta: meta(value) } : {}) });
        return value;
      } catch (error) {
        await auth.audit({ plugin: 'techdocs', action, target, outcome: 'failure', principal, ...requestOf, error });
        throw error;
      }
    };
  };
  const mutate = async <T>(action: string, entity: DocsEntityLike, work: () => Promise<T>, meta?: (value: T) => Record<string, unknown>): Promise<T> =>
    (await prepare(action, entity, work, meta))();
  const prepareSync = async (entity: TechDocsEntity) => {
    let syncOptions: { onLog?(message: string): void } | undefined;
    const run = await prepare('techdocs.sync', entity, () => operations.sync(entity, syncOptions), (r) => ({ updated: r.updated }));
    return (given?: { onLog?(message: string): void }) => {
      syncOptions = given;
      return run();
    };
  };

  const { publisher } = operations;
  return {
    canRead,
    build: (entity, buildOptions) => mutate('techdocs.build', entity, () => operations.build(entity, buildOptions)),
    prepareSync,
    sync: async (entity, syncOptions) => (await prepareSync(entity))(syncOptions),
    publisher: {
      publish: (request) => mutate('techdocs.publish', request.entity, () => publisher.publish(request)),
      async hasDocsBeenGenerated(entity, versionOptions) {
        return (await canRead(entity)) && publisher.hasDocsBeenGenerated(entity, versionOptions);
      },
      async fetchTechDocsMetadata(entity, versionOptions) {
        await readable(entity);
        return publisher.fetchTechDocsMetadata(entity, versionOptions);
      },
      async readFile(entity, filePath) {
        await readable(entity);
        return publisher.readFile(entity, filePath);
      },
      ...(publisher.deleteDocs
        ? {
            deleteDocs: (entity: DocsEntityLike, versionOptions?: VersionOption) =>
              mutate('techdocs.delete', entity, () => publisher.deleteDocs!(entity, versionOptions)),
          }
        : {}),
      ...(publisher.listVersions
        ? {
            listVersions: async (entity: DocsEntityLike) => {
              await readable(entity);
              return publisher.listVersions!(entity);
            },
          }
        : {}),
    },
  };
}

/**
 * The trusted host's view: everything allowed, builds and syncs audited as `hostPrincipal()`.
 * Concurrent calls that share one build (the library runs one per entity) share its audited
 * promise too, so the build is recorded once.
 */
export function hostTechDocs(operations: TechDocsOperations, auth: () => PortalAuth): TechDocsOperations {
  const principal = hostPrincipal();
  const audited = new WeakMap<Promise<unknown>, Promise<unknown>>();
  const audit = <T>(action: string, entity: DocsEntityLike, run: Promise<T>, meta?: (value: T) => Record<string, unknown>): Promise<T> => {
    let outer = audited.get(run) as Promise<T> | undefined;
    if (!outer) {
      const target = docsEntityRef(docsEntityName(entity));
      outer = run.then(
        async (value) => {
          await auth().audit({ plugin: 'techdocs', action, target, outcome: 'success', principal, ...(meta ? { meta: meta(value) } : {}) });
          return value;
        },
        async (error: unknown) => {
          await auth().audit({ plugin: 'techdocs', action, target, outcome: 'failure', principal, error });
          throw error;
        },
      );
      audited.set(run, outer);
    }
    return outer;
  };
  return {
    publisher: operations.publisher,
    build: (entity, o) => audit('techdocs.build', entity, operations.build(entity, o)),
    sync: (entity, o) => audit('techdocs.sync', entity, operations.sync(entity, o), (r) => ({ updated: r.updated })),
  };
}
