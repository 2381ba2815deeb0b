import { CustomErrorBase } from '@portalkit/core';

/**
 * A command line the CLI cannot act on: unknown command or flag, missing argument, bad option
 * value, no file matching. `runCli` prints it with a pointer to `--help` and exits with 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--format must be one of text, json');
 * ```
 */
export class UsageError extends CustomErrorBase {
  override name = 'UsageError' as const;
}
