import { NotImplementedError } from '@portalkit/core';
import type { BitbucketCloudIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';

/**
 * Placeholder until this host's integration lands.
 * @example
 * ```ts
 * createBitbucketCloudIntegration({} as BitbucketCloudIntegrationConfig);
 * ```
 */
export function createBitbucketCloudIntegration(config: BitbucketCloudIntegrationConfig, _options: HostIntegrationOptions = {}): ScmIntegration {
  throw new NotImplementedError(`the BitbucketCloud integration is not implemented yet (${JSON.stringify(Object.keys(config))})`);
}
