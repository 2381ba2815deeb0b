import { AuthenticationError, InputError, NotAllowedError, anonymousPrincipal, createLogger, createRouter } from '@portalkit/core';
import type { Handler, Logger, Principal } from '@portalkit/core';
import type { PushEvent, ScmIntegrations, WebhookSecrets } from '@portalkit/integrations';
import type { Location } from '../location.js';
import type { CatalogLibrary } from '../types.js';
import { affectedLocations, type WebhookRefreshMatch } from './affected-locations.js';
import { readDelivery, type WebhookFormat } from './delivery.js';
import { githubFormat, gitlabFormat } from './formats.js';

/**
 * Options of {@link createCatalogWebhookHandler}.
 *
 * @example
 * ```ts
 * import { createIntegrations, webhookSecretsFromConfig } from '@portalkit/integrations';
 * declare const catalog: Catalog;
 * const integrationsConfig = { github: [{ host: 'github.com', token: 'ghp_example', webhookSecret: 'from-the-hook-settings' }] };
 * const options: CatalogWebhookHandlerOptions = {
 *   catalog,
 *   integrations: createIntegrations({ config: integrationsConfig }),
 *   secrets: webhookSecretsFromConfig(integrationsConfig),
 * };
 * ```
 */
export interface CatalogWebhookHandlerOptions {
  /** The catalog whose locations are refreshed (as the host: a verified delivery is the host's own request). */
  catalog: CatalogLibrary;
  /** Parses location targets (`integrations.parseUrl`) to tell their repository, ref and path. */
  integrations: Pick<ScmIntegrations, 'parseUrl'>;
  /** Accepted secrets per host (`webhookSecretsFromConfig(config.integrations)`); a host without any refuses every delivery. */
  secrets: readonly WebhookSecrets[];
  /** Where the routes live; default `/api/events/http` (Backstage's events HTTP ingress: `/api/events/http/github`). */
  basePath?: string;
  /** Largest accepted body; default 5 MiB (a larger one is a 413 before anything else is looked at). */
  maxBodyBytes?: number;
  /** Which locations of the pushed repository and branch are refreshed; default `changed` (see {@link WebhookRefreshMatch}). */
  match?: WebhookRefreshMatch;
  /**
   * Answer after the refreshes finish (200 with counts) instead of at once (202). Default
   * false: hosts time deliveries out (GitHub after 10 s) and a refresh waits for the catalog's
   * other work.
   */
  waitForRefresh?: boolean;
  /** Where failed background refreshes are reported; default a `warn` console logger. */
  logger?: Logger;
  /** Told about every error a route throws, before the error response is sent. */
  onError?: (error: unknown, request: Request) => void;
}

/** What a push delivery led to. */
interface PushOutcome {
  locations: Location[];
  refreshed: number;
  failed: number;
}

/**
 * The catalog's webhook ingress: `POST <basePath>/github` and `POST <basePath>/gitlab` receive
 * push deliveries and refresh exactly the registered `url` locations of the pushed repository
 * and branch (see {@link WebhookRefreshMatch}). Each delivery is checked before anything is
 * parsed: body size (413), signature or token against the host secrets (401), then content type
 * (415) and payload schema (400); a push naming a repository on a host whose secret did not
 * authenticate it is a 403. Other events (`ping`, issues, ...) are acknowledged with 202 and
 * ignored. Every delivery is audited (`catalog.webhook.<host>`: delivery id, event,
 * repository and ref, locations refreshed) through `catalog.auth`, never with its payload.
 *
 * A handler of its own, not a catalog REST route: deliveries are authenticated by their
 * signature, not by the portal's identity, and Backstage likewise receives them at the events
 * backend (`/api/events/http/<topic>`), which is this handler's default path.
 *
 * @example
 * ```ts
 * import { createPortal } from '@portalkit/core';
 * import { createIntegrations, webhookSecretsFromConfig } from '@portalkit/integrations';
 * const integrationsConfig = { github: [{ host: 'github.com', token: 'ghp_example', webhookSecret: 'from-the-hook-settings' }] };
 * const plugin = catalogPlugin({ locations: [] });
 * const webhooks = createCatalogWebhookHandler({
 *   catalog: plugin.catalog,
 *   integrations: createIntegrations({ config: integrationsConfig }),
 *   secrets: webhookSecretsFromConfig(integrationsConfig),
 * });
 * const portal = createPortal({ plugins: [plugin, { id: 'webhooks', basePath: '/api/events/http', handler: webhooks }] });
 * ```
 */
export function createCatalogWebhookHandler(options: CatalogWebhookHandlerOptions): Handler {
  const { catalog, integrations, secrets, maxBodyBytes = 5 * 1024 * 1024, match = 'changed', waitForRefresh = false } = assertOptions(options);
  const logger = options.logger ?? createLogger({ level: 'warn' });

  const audit = async (request: Request, format: WebhookFormat, record: { outcome: 'success' | 'failure' | 'denied'; principal: Principal; target: string; meta: Record<string, unknown>; error?: unknown }) => {
    try {
      await catalog.auth.audit({ plugin: 'catalog', action: `catalog.webhook.${format.type}`, request, ...record });
    } catch (error) {
      logger.error('catalog webhook: audit failed', { error });
    }
  };

  const refresh = async (push: PushEvent): Promise<PushOutcome> => {
    const locations = affectedLocations({ locations: await catalog.getLocations(), push, integrations, match });
    let refreshed = 0;
    let failed = 0;
    for (const location of locations) {
      try {
        await catalog.refresh({ entityRef: location.entityRef });
        refreshed += 1;
      } catch (error) {
        // A location removed meanwhile, or a store failure: the others still refresh.
        failed += 1;
        logger.warn('catalog webhook: refreshing a location failed', { location: location.id, error });
      }
    }
    return { locations, refreshed, failed };
  };

  const receive = (format: WebhookFormat) => async (request: Request) => {
    const { delivery, event } = format.describe(request);
    let received;
    try {
      received = await readDelivery(request, { format, secrets, maxBytes: maxBodyBytes });
    } catch (error) {
      const denied = error instanceof AuthenticationError || error instanceof NotAllowedError;
      await audit(request, format, { outcome: denied ? 'denied' : 'failure', principal: anonymousPrincipal(), target: `${format.type}:(unverified)`, meta: { delivery, event }, error });
      throw error;
    }
    const principal: Principal = { type: 'service', subject: `webhook:${format.type}`, ownershipEntityRefs: [], claims: {} };
    if (received.kind === 'ignored') {
      await audit(request, format, { outcome: 'success', principal, target: `${format.type}:(${event})`, meta: { delivery, event, ignored: true } });
      return Response.json({ status: 'ignored', event }, { status: 202 });
    }
    const { push } = received;
    const target = `${push.type}:${push.host}/${push.repository.path}@${push.ref}`;
    const finish = async (outcome: PushOutcome) => {
      const meta = { delivery, event, locations: outcome.locations.length, refreshed: outcome.refreshed, failed: outcome.failed, changedPaths: push.changedPaths?.length ?? null };
      await audit(request, format, { outcome: outcome.failed ? 'failure' : 'success', principal, target, meta });
      return meta;
    };
    const run = refresh(push);
    if (waitForRefresh) {
      const meta = await finish(await run);
      return Response.json({ status: 'refreshed', ...meta }, { status: 200 });
    }
    run.then(finish, (error: unknown) => logger.error('catalog webhook: refresh failed', { delivery, error })).catch(() => undefined);
    return Response.json({ status: 'accepted', delivery, event }, { status: 202 });
  };

  const router = createRouter({ basePath: options.basePath ?? '/api/events/http', ...(options.onError ? { onError: options.onError } : {}) });
  router.post('/github', receive(githubFormat)).post('/gitlab', receive(gitlabFormat));
  return router.handler;
}

/** Reject misuse at creation, naming the factory. */
function assertOptions(options: CatalogWebhookHandlerOptions): CatalogWebhookHandlerOptions {
  const fail = (message: string) => new InputError(`createCatalogWebhookHandler: ${message}`);
  if (!options || typeof options !== 'object') throw fail('options are required');
  if (!options.catalog || typeof options.catalog.refresh !== 'function' || typeof options.catalog.getLocations !== 'function') throw fail('a catalog is required');
  if (!options.integrations || typeof options.integrations.parseUrl !== 'function') throw fail('integrations (with parseUrl) are required');
  if (!Array.isArray(options.secrets)) throw fail('secrets must be an array (webhookSecretsFromConfig(config))');
  for (const set of options.secrets) {
    if (!set || (set.type !== 'github' && set.type !== 'gitlab') || typeof set.host !== 'string' || !Array.isArray(set.secrets)) {
      throw fail('each secrets entry needs type (github or gitlab), host and secrets (see webhookSecrets())');
    }
  }
  const max = options.maxBodyBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) throw fail('maxBodyBytes must be a positive integer');
  if (options.match !== undefined && options.match !== 'changed' && options.match !== 'repository') throw fail("match must be 'changed' or 'repository'");
  return options;
}
