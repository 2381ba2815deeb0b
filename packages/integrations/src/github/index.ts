import { NotImplementedError } from '@portalkit/core';
import type { GithubIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createGithubIntegration({} as GithubIntegrationConfig);
 * ```
 */
export function createGithubIntegration(config: GithubIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the Github integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
