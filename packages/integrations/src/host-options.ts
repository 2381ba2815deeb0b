import type { Logger } from '@portalkit/core';

/**
 * What every per-host factory takes besides its config.
 * @example
 * ```ts
 * const options: HostIntegrationOptions = { fetch: globalThis.fetch };
 * ```
 */
export interface HostIntegrationOptions {
  /** The fetch the host's clients use (wrapped by `createHostFetch`); default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Where warnings go (never with credentials in them). */
  logger?: Logger;
}
