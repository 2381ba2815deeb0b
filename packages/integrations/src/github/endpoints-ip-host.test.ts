import { describe, expect, it } from 'vitest';
import { createIntegrations } from '../integrations.js';

// An Enterprise host addressed by IP (a lab or test instance) without codeloadBaseUrl: the
// integration is created (no TypeError from `new URL('https://codeload.10.0.0.5:8443')`).
describe('GitHub Enterprise on an IP address', () => {
  it('creates the integration and parses its URLs', () => {
    const integrations = createIntegrations({ config: { github: [{ host: '10.0.0.5:8443', token: 't' }] } });
    expect(integrations.parseUrl('https://10.0.0.5:8443/acme/web/blob/main/catalog-info.yaml')).toMatchObject({ owner: 'acme', repo: 'web', ref: 'main' });
  });
});
