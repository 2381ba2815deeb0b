import { InputError } from '@portalkit/core';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `has-description`: `metadata.description` has at least `minLength` characters
 * (default 1, blanks not counted).
 *
 * @example
 * ```ts
 * const described = hasDescription({ minLength: 20 });
 * ```
 */
export function hasDescription(options: { minLength?: number; id?: string } = {}): Check {
  const minLength = options.minLength ?? 1;
  if (!Number.isInteger(minLength) || minLength < 1) throw new InputError('hasDescription: minLength must be a positive integer');
  return createCheck({
    id: options.id ?? 'has-description',
    title: 'Has a description',
    description: `metadata.description has at least ${minLength} character${minLength === 1 ? '' : 's'}.`,
    evaluate(entity) {
      const text = typeof entity.metadata.description === 'string' ? entity.metadata.description.trim() : '';
      if (!text) return { status: 'fail', message: 'metadata.description is missing' };
      return text.length >= minLength
        ? { status: 'pass', message: 'has a description' }
        : { status: 'warn', message: `metadata.description has ${text.length} characters, ${minLength} expected` };
    },
  });
}
