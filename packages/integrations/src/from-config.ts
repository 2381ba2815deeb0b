import { createServiceRef, type Logger, type PortalServices, readConfigSection } from '@portalkit/core';
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

/**
 * The portal's source hosts, built once from the config: the first plugin that needs them
 * (`catalogPlugin()`) provides them, and later plugins (TechDocs, the scaffolder) reuse them,
 * so credentials caches and config warnings exist once.
 * @example
 * ```ts
 * const integrations = context.services.find(integrationsServiceRef);
 * ```
 */
export const integrationsServiceRef = createServiceRef<ScmIntegrations>({ id: 'integrations', providedBy: 'catalogPlugin()' });

/**
 * The portal's integrations from `services` when an earlier plugin built them, else built from
 * the config (`integrationsFromConfig`) and provided for the plugins after this one.
 * @example
 * ```ts
 * const integrations = portalIntegrations(context.config, context.services, context.logger);
 * ```
 */
export function portalIntegrations(config: unknown, services: PortalServices | undefined, logger: Logger): ScmIntegrations {
  const existing = services?.find(integrationsServiceRef);
  if (existing) return existing;
  const integrations = integrationsFromConfig(config, logger);
  services?.provide(integrationsServiceRef, integrations);
  return integrations;
}
