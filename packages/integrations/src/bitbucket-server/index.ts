import { NotImplementedError } from '@portalkit/core';
import type { BitbucketServerIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createBitbucketServerIntegration({} as BitbucketServerIntegrationConfig);
 * ```
 */
export function createBitbucketServerIntegration(config: BitbucketServerIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the BitbucketServer integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
