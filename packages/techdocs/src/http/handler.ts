import {
  createRouter,
  eventStreamResponse,
  NotAllowedError,
  NotFoundError,
  serializeError,
  type Handler,
  type Logger,
  type Principal,
} from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import type { PrincipalTechDocs } from '../authorized.js';
import { docsEntityName } from '../entity.js';
import { safeRelativePath } from '../paths.js';
import { resolveDocsLocation } from '../prepare/index.js';
import type { DocsEntityName, TechDocsEntity } from '../types.js';
import { LATEST_VERSION, checkDocsVersion } from '../publish/versions.js';
import { staticFileHeaders } from './static-headers.js';

/** What the TechDocs routes need from the service. */
export interface TechDocsHandlerOptions {
  basePath: string;
  getEntity?(name: DocsEntityName): Promise<TechDocsEntity | undefined> | TechDocsEntity | undefined;
  /** Who is asking (`auth.identify`: bad credentials are a 401). */
  identify(request: Request): Promise<Principal>;
  /** TechDocs as that principal may use it; `request` is the one it acts on (its id is audited). */
  forPrincipal(principal: Principal, options?: { request?: Request }): PrincipalTechDocs;
  logger: Logger;
  /** Source hosts, so `locationMetadata` of a `dir:` ref is the tree URL the docs are read from. */
  integrations?: ScmIntegrations;
}

/**
 * Backstage's TechDocs backend routes as a web-standard handler:
 * `GET /static/docs/:namespace/:kind/:name/*`, `GET /metadata/techdocs/:namespace/:kind/:name`,
 * (`?version=<name>` for a named version; the answer adds `version` and the `versions` kept),
 * `GET /metadata/entity/:namespace/:kind/:name` and `GET /sync/:namespace/:kind/:name` (SSE).
 * Paths trying to leave a site (`..`, encoded or not, backslashes, absolute paths) answer 403.
 * Every request is identified; docs, metadata and files of an entity the principal may not read
 * answer the same 404 as those of an entity that does not exist, so existence never leaks; a sync
 * also needs `techdocs.entity.sync` (403) and is audited.
 * Site files are served sandboxed, scripts as text and active types as downloads
 * ({@link staticFileHeaders}).
 *
 * @example
 * ```ts
 * const handler = createTechDocsHandler({ basePath: '/api/techdocs', getEntity, identify: (r) => auth.identify(r), forPrincipal: (p) => techdocs.forPrincipal(p), logger });
 * ```
 */
export function createTechDocsHandler(options: TechDocsHandlerOptions): Handler {
  const entityName = (params: Record<string, string>): DocsEntityName => {
    for (const key of ['namespace', 'kind', 'name'] as const) {
      const value = params[key] ?? '';
      if (value === '.' || value === '..' || /[/\\\0]/.test(value)) {
        throw new NotAllowedError(`invalid entity ${key} '${value}'`);
      }
    }
    return docsEntityName({ namespace: params.namespace ?? '', kind: params.kind ?? '', name: params.name ?? '' });
  };
  // The name as requested, for the publisher: one keeping case (S3's legacy layout) needs it.
  const storedName = (params: Record<string, string>): DocsEntityName => {
    entityName(params);
    return { namespace: params.namespace ?? '', kind: params.kind ?? '', name: params.name ?? '' };
  };
  const notFound = (name: DocsEntityName) => new NotFoundError(`entity ${name.kind}:${name.namespace}/${name.name} not found`);
  /** The entity, when it exists and the principal may read it; else the one 404 for both. */
  const lookup = async (name: DocsEntityName, docs: PrincipalTechDocs): Promise<TechDocsEntity> => {
    const entity = options.getEntity ? await options.getEntity(name) : undefined;
    if (!entity || !(await docs.canRead(entity))) throw notFound(name);
    return entity;
  };
  /** A missing file or site reads the same whether it does not exist or may not be read. */
  const uniformNotFound = async <T>(what: string, name: DocsEntityName, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(`no ${what} in the docs of ${name.kind}:${name.namespace}/${name.name}`);
      throw error;
    }
  };
  const principalDocs = async (request: Request) => options.forPrincipal(await options.identify(request), { request });

  return createRouter({
    basePath: options.basePath,
    onError: (error, request) => options.logger.debug('techdocs request failed', { url: request.url, error }),
  })
    .get('/static/docs/:namespace/:kind/:name/*', async (request, { params, url }) => {
      const docs = await principalDocs(request);
      const name = entityName(params);
      const stored = storedName(params);
      const tail = params['*'] ?? '';
      const rel = safeRelativePath(url.pathname.endsWith('/') && tail ? `${tail}/` : tail, { decoded: true });
      const { publisher } = docs;
      let served = rel;
      const file = await uniformNotFound('such file', name, async () => {
        try {
          return await publisher.readFile(stored, rel);
        } catch (error) {
          // `guide` is the page `guide/`, as a static file server with directory indexes would serve it.
          if (!(error instanceof NotFoundError) || /\.[a-z0-9]+$/i.test(rel)) throw error;
          served = `${rel}/index.html`;
          return publisher.readFile(stored, served);
        }
      });
      // Files copied verbatim from a docs folder were never sanitised: sandboxed, scripts as
      // text, anything a plugin or viewer would render as a download (see staticFileHeaders).
      const headers = staticFileHeaders(served, file.contentType);
      return new Response(new Uint8Array(file.content), { headers });
    })
    .get('/metadata/techdocs/:namespace/:kind/:name', async (request, { params, url }) => {
      const docs = await principalDocs(request);
      const name = entityName(params);
      const stored = storedName(params);
      // `?version=v1` is that version's metadata; the default site's lists the versions kept.
      const version = url.searchParams.get('version') ?? undefined;
      if (version !== undefined) checkDocsVersion(version);
      const metadata = await uniformNotFound('techdocs metadata', name, () =>
        docs.publisher.fetchTechDocsMetadata(stored, version === undefined ? {} : { version }),
      );
      const versions = docs.publisher.listVersions ? await docs.publisher.listVersions(stored) : [];
      return Response.json({ ...metadata, version: version ?? LATEST_VERSION, versions });
    })
    .get('/metadata/entity/:namespace/:kind/:name', async (request, { params }) => {
      const entity = await lookup(entityName(params), await principalDocs(request));
      let locationMetadata: { type: string; target: string } | undefined;
      try {
        locationMetadata = resolveDocsLocation(entity, options.integrations ? { integrations: options.integrations } : {});
      } catch {
        // Entities without docs still have metadata; they just have no docs location.
      }
      return Response.json(locationMetadata ? { ...entity, locationMetadata } : entity);
    })
    .get('/sync/:namespace/:kind/:name', async (request, { params }) => {
      const docs = await principalDocs(request);
      const entity = await lookup(entityName(params), docs);
      // Refused before the stream opens, so a refusal is a plain 403 (and is audited).
      const sync = await docs.prepareSync(entity);
      // No request signal: a client that goes away does not stop the build, so the next visit finds it done.
      return eventStreamResponse(async (send) => {
        try {
          const { updated } = await sync({ onLog: (message) => void send('log', message) });
          void send('finish', { updated });
        } catch (error) {
          options.logger.warn('techdocs sync failed', { error });
          void send('error', serializeError(error).message);
        }
      });
    }).handler;
}
