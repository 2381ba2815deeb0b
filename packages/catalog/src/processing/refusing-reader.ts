import { NotAllowedError } from '@portalkit/core';
import type { UrlReader } from '@portalkit/core';

/**
 * A reader that reads nothing. `validateEntity` takes both the entity and its location from a
 * client, so resolving its placeholders would let the client read (and see echoed in the
 * errors) any file below the root or any URL the reader allows.
 *
 * @example
 * ```ts
 * await processEntity(input, { ...context, fileReader: refusingReader(why), urlReader: refusingReader(why) });
 * ```
 */
export function refusingReader(reason: string): UrlReader {
  // The message leaves the target out: it is resolved on the host and would name its paths.
  const refuse = (): never => {
    throw new NotAllowedError(reason);
  };
  return {
    canRead: () => false,
    read: async () => refuse(),
    readTree: async () => refuse(),
  };
}
