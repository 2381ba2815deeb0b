import type { Logger, PortalAuth, Principal } from '@portalkit/core';
import { catalogEntityReadPermission, entityConditionsToFilter } from '@portalkit/catalog-model';
import type { EntityFilter } from '../query/types.js';

/** A filter no entity matches (an empty `anyOf`): what a denied read is ANDed with. */
export const MATCH_NOTHING: EntityFilter = Object.freeze({ anyOf: [] }) as EntityFilter;

/**
 * The filter every entity read of `principal` is ANDed with, from the policy's decision on
 * `catalog.entity.read`: `undefined` when allowed outright, {@link MATCH_NOTHING} when denied, the
 * conditions as an EntityFilter when conditional. Conditions that name an unknown rule (or bad
 * params) deny, logged: a broken policy never widens what a principal sees.
 *
 * @example
 * ```ts
 * const filter = await entityReadFilter(auth, principal, logger);
 * await store.queryEntities({ filter: filter ? { allOf: [filter, userFilter] } : userFilter });
 * ```
 */
export async function entityReadFilter(auth: PortalAuth, principal: Principal, logger: Logger): Promise<EntityFilter | undefined> {
  const decision = await auth.authorize(principal, catalogEntityReadPermission);
  if (decision.result === 'ALLOW') return undefined;
  if (decision.result !== 'CONDITIONAL') return MATCH_NOTHING;
  try {
    return entityConditionsToFilter(decision.conditions);
  } catch (error) {
    logger.error('catalog.entity.read conditions could not be turned into a filter; denying', { subject: principal.subject, error });
    return MATCH_NOTHING;
  }
}
