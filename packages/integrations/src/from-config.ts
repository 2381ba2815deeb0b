import { type Logger, readConfigSection } from '@portalkit/core';
import { integrationsConfigSchema } from './config.js';
import { createIntegrations, type ScmIntegrations } from './integrations.js';

/**
 * The source hosts of a loaded app-config's `integrations` section (Backstage's shape), as the
 * plugins that read their own config build them. Errors name file:line and the key
 * (`app-config.yaml:12: integrations.github[0].host: ...`).
 * @example
 * ```ts
 * const config = await loadConfig();
 * const integrations = integrationsFromConfig(config, createLogger());
 * ```
 */
export function integrationsFromConfig(config: unknown, logger: Logger): ScmIntegrations {
  const section = readConfigSection(config, 'integrations', integrationsConfigSchema.default({}), { logger });
  return createIntegrations({ config: section, logger: logger.child({ plugin: 'integrations' }) });
}
