import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
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

/**
 * The scorecard among `cards` that `id` names: a code scorecard by its exact id, else a catalog
 * scorecard by its ref, full or short (`readiness` is `scorecard:default/readiness`,
 * `ops/readiness` is `scorecard:ops/readiness`). A short id never matches a scorecard of another
 * namespace. Throws an `InputError` for text no store can hold (NUL, lone surrogates).
 *
 * @example
 * ```ts
 * findScorecard(cards, 'readiness')?.id; // 'scorecard:default/readiness'
 * ```
 */
export function findScorecard<T extends { readonly id: string }>(cards: readonly T[], id: string): T | undefined {
  const exact = cards.find((c) => c.id === id);
  if (exact) return exact;
  const ref = scorecardRefOf(id);
  return ref === undefined ? undefined : cards.find((c) => c.id === ref);
}

/**
 * The shortest id that names a scorecard: a catalog scorecard's ref without the kind, and
 * without the namespace when it is `default` (`scorecard:default/readiness` -> `readiness`,
 * `scorecard:ops/readiness` -> `ops/readiness`); a code scorecard's id as it is. For display.
 *
 * @example
 * ```ts
 * shortScorecardId('scorecard:ops/readiness'); // 'ops/readiness'
 * ```
 */
export function shortScorecardId(id: string): string {
  const match = /^scorecard:([^/]+)\/(.+)$/.exec(id);
  if (!match) return id;
  return match[1] === 'default' ? match[2]! : `${match[1]}/${match[2]}`;
}
