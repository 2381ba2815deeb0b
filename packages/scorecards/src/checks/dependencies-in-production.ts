import { RELATION_DEPENDS_ON } from '@portalkit/catalog-model';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `dependencies-in-production`: every `dependsOn` target is in the catalog and,
 * where it has a `spec.lifecycle` (components, APIs), that lifecycle is `production`.
 * Re-evaluated when a dependency changes.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'readiness', levels: [{ id: 'gold', checks: [dependenciesInProduction()] }] });
 * ```
 */
export function dependenciesInProduction(options: { id?: string; lifecycle?: string } = {}): Check {
  const wanted = options.lifecycle ?? 'production';
  return createCheck({
    id: options.id ?? 'dependencies-in-production',
    title: `All dependencies are in ${wanted}`,
    description: `Every dependsOn target exists and, where it has a lifecycle, it is ${wanted}.`,
    appliesTo: { kind: ['component', 'resource'] },
    async evaluate(entity, ctx) {
      const targets = (entity.relations ?? []).filter((r) => r.type === RELATION_DEPENDS_ON).map((r) => r.targetRef);
      if (targets.length === 0) return { status: 'pass', message: 'no dependencies' };
      const problems: string[] = [];
      for (const ref of targets) {
        const dependency = await ctx.getEntityByRef(ref);
        const lifecycle = dependency?.spec?.lifecycle;
        if (!dependency) problems.push(`${ref} is not in the catalog`);
        else if (typeof lifecycle === 'string' && lifecycle !== wanted) problems.push(`${ref} is ${lifecycle}`);
      }
      return problems.length
        ? { status: 'fail', message: problems.join('; ') }
        : { status: 'pass', message: `${targets.length} dependenc${targets.length === 1 ? 'y' : 'ies'}, all fine` };
    },
  });
}
