import { InputError } from '@portalkit/core';
import { integrationsConfigSchema, type IntegrationsConfig } from '../config.js';

/**
 * The webhook secrets of one configured host. `secrets` is not enumerable, so logging or
 * serializing the object (`JSON.stringify`, a logger's fields, `util.inspect`) never shows them.
 *
 * @example
 * ```ts
 * const set: WebhookSecrets = webhookSecrets({ type: 'github', host: 'github.com', secrets: ['s3cret'] });
 * JSON.stringify(set); // '{"type":"github","host":"github.com"}'
 * ```
 */
export interface WebhookSecrets {
  type: 'github' | 'gitlab';
  /** Host (with port when not the default), lowercase, e.g. `github.com`. */
  host: string;
  /** Every secret accepted for this host (rotation: several at once). */
  readonly secrets: readonly string[];
}

/**
 * Build a {@link WebhookSecrets} whose secrets stay out of logs and JSON. Empty secrets are
 * dropped; the host is lowercased.
 *
 * @example
 * ```ts
 * const set = webhookSecrets({ type: 'gitlab', host: 'gitlab.example.com', secrets: [process.env.GITLAB_WEBHOOK_SECRET ?? ''] });
 * ```
 */
export function webhookSecrets(options: { type: 'github' | 'gitlab'; host: string; secrets: readonly (string | undefined)[] }): WebhookSecrets {
  const set = { type: options.type, host: options.host.toLowerCase() } as WebhookSecrets;
  const secrets = Object.freeze(options.secrets.filter((s): s is string => typeof s === 'string' && s !== ''));
  Object.defineProperty(set, 'secrets', { value: secrets, enumerable: false });
  return Object.freeze(set);
}

/**
 * The webhook secrets of Backstage's `integrations` config: for each `integrations.github[]`
 * host, its `webhookSecret` and every `apps[].webhookSecret`; for each `integrations.gitlab[]`
 * host, its `webhookSecret`. Hosts without a secret are left out (their deliveries are refused).
 * Invalid config is an `InputError` naming the key path, never a value.
 *
 * @example
 * ```ts
 * const sets = webhookSecretsFromConfig({
 *   github: [{ host: 'github.com', token: 'ghp_example', webhookSecret: 'from-the-hook-settings' }],
 *   gitlab: [{ host: 'gitlab.com', webhookSecret: 'gitlab-secret-token' }],
 * });
 * sets.map((s) => `${s.type}:${s.host}`); // ['github:github.com', 'gitlab:gitlab.com']
 * ```
 */
export function webhookSecretsFromConfig(config: IntegrationsConfig | undefined): WebhookSecrets[] {
  const parsed = integrationsConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`integrations.${issue.path.join('.')}: ${issue.message}`);
  }
  const sets: WebhookSecrets[] = [];
  for (const github of parsed.data.github ?? []) {
    const set = webhookSecrets({ type: 'github', host: github.host, secrets: [github.webhookSecret, ...(github.apps ?? []).map((app) => app.webhookSecret)] });
    if (set.secrets.length) sets.push(set);
  }
  for (const gitlab of parsed.data.gitlab ?? []) {
    const set = webhookSecrets({ type: 'gitlab', host: gitlab.host, secrets: [gitlab.webhookSecret] });
    if (set.secrets.length) sets.push(set);
  }
  return sets;
}
