import { inspect } from 'node:util';
import { InputError } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { webhookSecretsFromConfig } from './webhook-secrets.js';

describe('webhookSecretsFromConfig', () => {
  const config = {
    github: [
      { host: 'github.com', token: 'ghp_x', webhookSecret: 'gh-token-secret', apps: [{ appId: 1, privateKey: 'k', webhookSecret: 'gh-app-secret' }, { appId: 2, privateKey: 'k' }] },
      { host: 'ghe.example.com', token: 'ghp_y' },
    ],
    gitlab: [{ host: 'GitLab.example.com', webhookSecret: 'gl-secret' }],
  };

  it('collects the secrets of each host: the integration and its apps; hosts without one are left out', () => {
    const sets = webhookSecretsFromConfig(config);
    expect(sets.map((s) => [s.type, s.host, [...s.secrets]])).toEqual([
      ['github', 'github.com', ['gh-token-secret', 'gh-app-secret']],
      ['gitlab', 'gitlab.example.com', ['gl-secret']],
    ]);
  });

  it('keeps the secrets out of JSON, inspection and spreads', () => {
    const sets = webhookSecretsFromConfig(config);
    const shown = [JSON.stringify(sets), inspect(sets, { depth: 5 }), JSON.stringify(sets.map((s) => ({ ...s })))].join('\n');
    for (const secret of ['gh-token-secret', 'gh-app-secret', 'gl-secret']) expect(shown).not.toContain(secret);
  });

  it('refuses invalid config naming the key, not the value', () => {
    expect(() => webhookSecretsFromConfig({ gitlab: [{ host: 'gitlab.com', webhookSecret: 42 as unknown as string }] })).toThrow(InputError);
    expect(() => webhookSecretsFromConfig({ gitlab: [{ host: 'gitlab.com', webhookSecret: 42 as unknown as string }] })).toThrow(/integrations\.gitlab\.0\.webhookSecret/);
  });
});
