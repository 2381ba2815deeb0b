import { NotImplementedError } from '@portalkit/core';
import type { GiteaIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createGiteaIntegration({} as GiteaIntegrationConfig);
 * ```
 */
export function createGiteaIntegration(config: GiteaIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the Gitea integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
