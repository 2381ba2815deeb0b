import { createRouter, eventStreamResponse, NotAllowedError, NotFoundError, serializeError, type Handler, type Logger } from '@portalkit/core';
import { docsEntityName } from '../entity.js';
import { safeRelativePath } from '../paths.js';
import { resolveDocsLocation } from '../prepare/index.js';
import type { DocsPublisher } from '../publish/types.js';
import type { DocsEntityName, TechDocsEntity } from '../types.js';
import { staticFileHeaders } from './static-headers.js';

/** What the TechDocs routes need from the service. */
export interface TechDocsHandlerOptions {
  basePath: string;
  publisher: DocsPublisher;
  getEntity?(name: DocsEntityName): Promise<TechDocsEntity | undefined> | TechDocsEntity | undefined;
  sync(entity: TechDocsEntity, options: { onLog(message: string): void }): Promise<{ updated: boolean }>;
  logger: Logger;
}

/**
 * Backstage's TechDocs backend routes as a web-standard handler:
 * `GET /static/docs/:namespace/:kind/:name/*`, `GET /metadata/techdocs/:namespace/:kind/:name`,
 * `GET /metadata/entity/:namespace/:kind/:name` and `GET /sync/:namespace/:kind/:name` (SSE).
 * Paths trying to leave a site (`..`, encoded or not, backslashes, absolute paths) answer 403.
 * Site files are served sandboxed, scripts as text and active types as downloads
 * ({@link staticFileHeaders}).
 *
 * @example
 * ```ts
 * const handler = createTechDocsHandler({ basePath: '/api/techdocs', publisher, sync, logger });
 * ```
 */
export function createTechDocsHandler(options: TechDocsHandlerOptions): Handler {
  const { publisher } = options;
  const entityName = (params: Record<string, string>): DocsEntityName => {
    for (const key of ['namespace', 'kind', 'name'] as const) {
      const value = params[key] ?? '';
      if (value === '.' || value === '..' || /[/\\\0]/.test(value)) {
        throw new NotAllowedError(`invalid entity ${key} '${value}'`);
      }
    }
    return docsEntityName({ namespace: params.namespace ?? '', kind: params.kind ?? '', name: params.name ?? '' });
  };
  const lookup = async (name: DocsEntityName): Promise<TechDocsEntity> => {
    const entity = options.getEntity ? await options.getEntity(name) : undefined;
    if (!entity) throw new NotFoundError(`entity ${name.kind}:${name.namespace}/${name.name} not found`);
    return entity;
  };

  return createRouter({
    basePath: options.basePath,
    onError: (error, request) => options.logger.debug('techdocs request failed', { url: request.url, error }),
  })
    .get('/static/docs/:namespace/:kind/:name/*', async (_request, { params, url }) => {
      const name = entityName(params);
      const tail = params['*'] ?? '';
      const rel = safeRelativePath(url.pathname.endsWith('/') && tail ? `${tail}/` : tail, { decoded: true });
      let served = rel;
      let file;
      try {
        file = await publisher.readFile(name, rel);
      } catch (error) {
        // `guide` is the page `guide/`, as a static file server with directory indexes would serve it.
        if (!(error instanceof NotFoundError) || /\.[a-z0-9]+$/i.test(rel)) throw error;
        served = `${rel}/index.html`;
        file = await publisher.readFile(name, served);
      }
      // Files copied verbatim from a docs folder were never sanitised: sandboxed, scripts as
      // text, anything a plugin or viewer would render as a download (see staticFileHeaders).
      const headers = staticFileHeaders(served, file.contentType);
      return new Response(new Uint8Array(file.content), { headers });
    })
    .get('/metadata/techdocs/:namespace/:kind/:name', async (_request, { params }) => {
      return Response.json(await publisher.fetchTechDocsMetadata(entityName(params)));
    })
    .get('/metadata/entity/:namespace/:kind/:name', async (_request, { params }) => {
      const entity = await lookup(entityName(params));
      let locationMetadata: { type: string; target: string } | undefined;
      try {
        locationMetadata = resolveDocsLocation(entity);
      } catch {
        // Entities without docs still have metadata; they just have no docs location.
      }
      return Response.json(locationMetadata ? { ...entity, locationMetadata } : entity);
    })
    .get('/sync/:namespace/:kind/:name', async (_request, { params }) => {
      const entity = await lookup(entityName(params));
      // No request signal: a client that goes away does not stop the build, so the next visit finds it done.
      return eventStreamResponse(async (send) => {
        try {
          const { updated } = await options.sync(entity, { onLog: (message) => void send('log', message) });
          void send('finish', { updated });
        } catch (error) {
          options.logger.warn('techdocs sync failed', { error });
          void send('error', serializeError(error).message);
        }
      });
    }).handler;
}
