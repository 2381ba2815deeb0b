import { InputError } from '@portalkit/core';
import { RELATION_HAS_MEMBER } from '@portalkit/catalog-model';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';
import { ownedKinds, ownerRefOf } from './owner-ref.js';

/**
 * Built-in check `owner-has-members`: the owner is a group with at least `min` members
 * (`hasMember` relations, i.e. users whose `spec.memberOf` names it). Re-evaluated when the
 * group changes, e.g. gains or loses a member.
 *
 * @example
 * ```ts
 * const staffed = ownerHasMembers({ min: 2 });
 * ```
 */
export function ownerHasMembers(options: { min?: number; id?: string } = {}): Check {
  const min = options.min ?? 1;
  if (!Number.isInteger(min) || min < 1) throw new InputError('ownerHasMembers: min must be a positive integer');
  return createCheck({
    id: options.id ?? 'owner-has-members',
    title: `Owner group has at least ${min} member${min === 1 ? '' : 's'}`,
    description: 'The owning group is staffed: enough users are members of it.',
    appliesTo: { kind: ownedKinds },
    async evaluate(entity, ctx) {
      const ownerRef = ownerRefOf(entity);
      if (!ownerRef) return { status: 'fail', message: 'spec.owner is missing' };
      const owner = await ctx.getEntityByRef(ownerRef);
      if (!owner) return { status: 'fail', message: `owner ${ownerRef} is not in the catalog` };
      if (owner.kind.toLowerCase() !== 'group') return { status: 'fail', message: `owner ${ownerRef} is a ${owner.kind}, not a group` };
      const members = (owner.relations ?? []).filter((r) => r.type === RELATION_HAS_MEMBER).length;
      return members >= min
        ? { status: 'pass', message: `${ownerRef} has ${members} member${members === 1 ? '' : 's'}` }
        : { status: 'fail', message: `${ownerRef} has ${members} member${members === 1 ? '' : 's'}, needs ${min}` };
    },
  });
}
