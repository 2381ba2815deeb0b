import { createCheck } from '../check.js';
import type { Check } from '../types.js';
import { ownedKinds, ownerRefOf } from './owner-ref.js';

/**
 * Built-in check `has-owner`: the entity names an owner, and that owner is in the catalog.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'basics', levels: [{ id: 'bronze', checks: [hasOwner()] }] });
 * ```
 */
export function hasOwner(options: { id?: string } = {}): Check {
  return createCheck({
    id: options.id ?? 'has-owner',
    title: 'Has an owner that exists',
    description: 'spec.owner names a group or user that is in the catalog.',
    appliesTo: { kind: ownedKinds },
    async evaluate(entity, ctx) {
      const owner = ownerRefOf(entity);
      if (!owner) return { status: 'fail', message: 'spec.owner is missing' };
      const found = await ctx.getEntityByRef(owner);
      return found
        ? { status: 'pass', message: `owned by ${owner}` }
        : { status: 'fail', message: `owner ${owner} is not in the catalog` };
    },
  });
}
