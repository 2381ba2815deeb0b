import { NotImplementedError } from '@portalkit/core';
import type { GitlabIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createGitlabIntegration({} as GitlabIntegrationConfig);
 * ```
 */
export function createGitlabIntegration(config: GitlabIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the Gitlab integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
