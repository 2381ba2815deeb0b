import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `has-system`: `spec.system` names a System that is in the catalog.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'structure', levels: [{ id: 'bronze', checks: [hasSystem()] }] });
 * ```
 */
export function hasSystem(options: { id?: string } = {}): Check {
  return createCheck({
    id: options.id ?? 'has-system',
    title: 'Belongs to a system',
    description: 'spec.system names a System entity in the catalog.',
    appliesTo: { kind: ['component', 'api', 'resource'] },
    async evaluate(entity, ctx) {
      const system = entity.spec?.system;
      if (typeof system !== 'string' || !system) return { status: 'fail', message: 'spec.system is missing' };
      let ref: string;
      try {
        ref = stringifyEntityRef(parseEntityRef(system, { defaultKind: 'System', defaultNamespace: entity.metadata.namespace ?? 'default' }));
      } catch {
        return { status: 'fail', message: `spec.system ${JSON.stringify(system)} is not an entity ref` };
      }
      return (await ctx.getEntityByRef(ref))
        ? { status: 'pass', message: `part of ${ref}` }
        : { status: 'fail', message: `system ${ref} is not in the catalog` };
    },
  });
}
