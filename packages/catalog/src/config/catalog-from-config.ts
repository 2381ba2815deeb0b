import path from 'node:path';
import { configDir, isPathInside, type Logger, type PortalServices, readConfigSection } from '@portalkit/core';
import { z } from 'zod';
import { portalIntegrations } from '@portalkit/integrations';
import type { CatalogOptions } from '../types.js';
import { catalogConfigSchema, catalogIgnoredKeys } from './catalog-config.js';
import { type ConfiguredProvider, providersFromConfig } from './providers-from-config.js';

/**
 * The catalog's options from the `catalog` and `integrations` sections of a loaded config, with
 * `explicit` options winning. Relative `file` locations resolve against (and stay inside) the
 * config file's directory unless `explicit.rootDir` says otherwise.
 */
export function catalogOptionsFromConfig(
  config: unknown,
  explicit: CatalogOptions,
  logger: Logger,
  services?: PortalServices,
): { options: CatalogOptions; scheduled: ConfiguredProvider[] } {
  const section = readConfigSection(config, 'catalog', catalogConfigSchema, { logger, ignored: catalogIgnoredKeys });
  const rootDir = explicit.rootDir ?? configDir(config) ?? process.cwd();
  // The catalog refuses these too, but at start without a line; say where in the config.
  section.locations.forEach((location, index) => {
    if (location.type !== 'file') return;
    const inside = (target: string) => isPathInside(rootDir, path.resolve(rootDir, target));
    readConfigSection(config, `catalog.locations[${index}].target`, z.string().refine(inside, `a file location must stay inside ${rootDir}`));
  });
  const integrations = explicit.integrations ?? portalIntegrations(config, services, logger);
  const configured = providersFromConfig(section.providers, { integrations, logger });
  const interval = section.processingInterval;
  const options: CatalogOptions = {
    ...explicit,
    rootDir,
    integrations,
    locations: section.locations.map(({ rules, presence, ...location }) => ({
      ...location,
      ...(presence ? { presence } : {}),
      ...(rules ? { rules } : {}),
    })),
    ...(section.rules ? { rules: section.rules } : {}),
    providers: [...(explicit.providers ?? []), ...configured.map((c) => c.provider)],
    ...(explicit.refreshIntervalMs === undefined && typeof interval === 'number' ? { refreshIntervalMs: interval } : {}),
    logger: explicit.logger ?? logger,
  };
  return { options, scheduled: configured.filter((c) => c.every) };
}
