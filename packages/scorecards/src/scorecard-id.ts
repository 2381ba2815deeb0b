import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog';
import { assertText } from './text.js';

/**
 * The catalog-scorecard ref a caller's scorecard id names, by Backstage's ref rules with kind
 * `scorecard` and namespace `default` as defaults: `scorecard:ops/readiness`, `ops/readiness` and
 * (for the default namespace) `readiness` all name `scorecard:ops/readiness` or
 * `scorecard:default/readiness`. Never a search by name across namespaces, so a scorecard in
 * another namespace cannot answer to a short id. Undefined when `id` is not a scorecard ref.
 * Throws an `InputError` for text no store can hold (NUL, lone surrogates).
 */
export function scorecardRefOf(id: string): string | undefined {
  assertText(id, 'scorecard id');
  try {
    const ref = parseEntityRef(id, { defaultKind: 'scorecard', defaultNamespace: 'default' });
    return ref.kind.toLowerCase() === 'scorecard' ? stringifyEntityRef(ref) : undefined;
  } catch {
    return undefined;
  }
}
