import { InputError } from '@portalkit/core';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `has-links`: `metadata.links` has at least `min` links (default 1), e.g. a
 * dashboard or runbook.
 *
 * @example
 * ```ts
 * const linked = hasLinks({ min: 1 });
 * ```
 */
export function hasLinks(options: { min?: number; id?: string } = {}): Check {
  const min = options.min ?? 1;
  if (!Number.isInteger(min) || min < 1) throw new InputError('hasLinks: min must be a positive integer');
  return createCheck({
    id: options.id ?? 'has-links',
    title: `Has at least ${min} link${min === 1 ? '' : 's'}`,
    description: 'metadata.links points at dashboards, runbooks or the repository.',
    evaluate(entity) {
      const count = entity.metadata.links?.length ?? 0;
      return count >= min
        ? { status: 'pass', message: `${count} link${count === 1 ? '' : 's'}` }
        : { status: 'fail', message: `${count} link${count === 1 ? '' : 's'}, needs ${min}` };
    },
  });
}
