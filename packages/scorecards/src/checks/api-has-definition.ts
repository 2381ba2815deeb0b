import { createCheck } from '../check.js';
import type { Check } from '../types.js';

/**
 * Built-in check `api-has-definition`: an API entity has a non-empty `spec.definition`.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'apis', appliesTo: { kind: 'API' }, levels: [{ id: 'bronze', checks: [apiHasDefinition()] }] });
 * ```
 */
export function apiHasDefinition(options: { id?: string } = {}): Check {
  return createCheck({
    id: options.id ?? 'api-has-definition',
    title: 'API has a definition',
    description: 'spec.definition holds the API definition (OpenAPI, AsyncAPI, GraphQL, ...).',
    appliesTo: { kind: 'api' },
    evaluate(entity) {
      const definition = entity.spec?.definition;
      return typeof definition === 'string' && definition.trim()
        ? { status: 'pass', message: `${String(entity.spec?.type ?? 'API')} definition present` }
        : { status: 'fail', message: 'spec.definition is missing or empty' };
    },
  });
}
