import { ANNOTATION_TECHDOCS_REF } from '@portalkit/catalog-model';
import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `has-techdocs`: the entity has the `backstage.io/techdocs-ref` annotation.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'docs', levels: [{ id: 'bronze', checks: [hasTechDocs()] }] });
 * ```
 */
export function hasTechDocs(options: { id?: string } = {}): Check {
  return createCheck({
    id: options.id ?? 'has-techdocs',
    title: 'Has TechDocs',
    description: `The ${ANNOTATION_TECHDOCS_REF} annotation points at the entity's docs.`,
    evaluate(entity) {
      const value = entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF];
      return value
        ? { status: 'pass', message: `${ANNOTATION_TECHDOCS_REF}: ${value}` }
        : { status: 'fail', message: `annotation ${ANNOTATION_TECHDOCS_REF} is missing` };
    },
  });
}
