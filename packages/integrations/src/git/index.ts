import { NotImplementedError } from '@portalkit/core';
import type { GitIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createGitIntegration({} as GitIntegrationConfig);
 * ```
 */
export function createGitIntegration(config: GitIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the Git integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
