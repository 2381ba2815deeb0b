import { InputError } from '@portalkit/core';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `has-tags`: `metadata.tags` has at least `min` tags (default 1).
 *
 * @example
 * ```ts
 * const tagged = hasTags({ min: 2 });
 * ```
 */
export function hasTags(options: { min?: number; id?: string } = {}): Check {
  const min = options.min ?? 1;
  if (!Number.isInteger(min) || min < 1) throw new InputError('hasTags: min must be a positive integer');
  return createCheck({
    id: options.id ?? 'has-tags',
    title: `Has at least ${min} tag${min === 1 ? '' : 's'}`,
    description: 'metadata.tags makes the entity findable by language, framework or domain.',
    evaluate(entity) {
      const count = entity.metadata.tags?.length ?? 0;
      return count >= min
        ? { status: 'pass', message: `${count} tag${count === 1 ? '' : 's'}` }
        : { status: 'fail', message: `${count} tag${count === 1 ? '' : 's'}, needs ${min}` };
    },
  });
}
