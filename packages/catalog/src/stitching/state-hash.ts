import { hash } from 'node:crypto';
import type { RefreshState } from '../stores/types.js';

// Part of every hash: bump it when stitching changes what a stored state stitches into, so the
// next refresh rewrites (and restitches) every entity once instead of skipping it as unchanged.
const stateHashVersion = 'portalkit-refresh-state-1';

/**
 * The hash of everything a refresh state holds except `hash` itself (Backstage's
 * `resultHash`): two states with the same hash stitch into the same final entity, so a commit
 * skips a state whose stored hash equals its new one instead of writing it again.
 *
 * @example
 * ```ts
 * const row = { ...state, hash: stateHash(state) };
 * ```
 */
export function stateHash(row: RefreshState): string {
  const content = [
    stateHashVersion,
    row.entityRef,
    row.rootKey ?? null,
    row.locationKey ?? null,
    row.parentRefs,
    row.unprocessed,
    row.processed ?? null,
    row.errors,
    row.relations,
    row.refreshKeys,
  ];
  return hash('sha256', JSON.stringify(content), 'hex');
}
