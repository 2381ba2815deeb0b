import { NotImplementedError } from '@portalkit/core';
import type { AzureIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createAzureIntegration({} as AzureIntegrationConfig);
 * ```
 */
export function createAzureIntegration(config: AzureIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the Azure integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
