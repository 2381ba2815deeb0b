import { createHmac } from 'node:crypto';
import { InputError } from '@portalkit/core';
import { webhookSecrets } from '@portalkit/integrations';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../create-catalog.js';
import { createCatalogWebhookHandler } from './webhook-handler.js';

const integrations = { parseUrl: () => undefined };

describe('createCatalogWebhookHandler', () => {
  it('rejects misuse at creation, naming the factory', () => {
    const catalog = createCatalog();
    const bad: unknown[] = [
      undefined,
      { integrations, secrets: [] },
      { catalog, secrets: [] },
      { catalog, integrations },
      { catalog, integrations, secrets: [{ type: 'bitbucket', host: 'x', secrets: [] }] },
      { catalog, integrations, secrets: [], maxBodyBytes: 0 },
      { catalog, integrations, secrets: [], match: 'everything' },
    ];
    for (const options of bad) {
      expect(() => createCatalogWebhookHandler(options as never)).toThrow(InputError);
      expect(() => createCatalogWebhookHandler(options as never)).toThrow(/^createCatalogWebhookHandler: /);
    }
  });

  it('refuses every delivery of a host type that has no secret, even a correctly formed one', async () => {
    const handler = createCatalogWebhookHandler({
      catalog: createCatalog(),
      integrations,
      secrets: [webhookSecrets({ type: 'gitlab', host: 'gitlab.com', secrets: ['token'] })],
    });
    const body = '{}';
    const response = await handler(
      new Request('http://portal.test/api/events/http/github', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${createHmac('sha256', 'token').update(body).digest('hex')}` },
      }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { name: string } }).error.name).toBe('AuthenticationError');
  });
});
