export { createCatalogWebhookHandler } from './webhook-handler.js';
export type { CatalogWebhookHandlerOptions } from './webhook-handler.js';
export type { WebhookRefreshMatch } from './affected-locations.js';
