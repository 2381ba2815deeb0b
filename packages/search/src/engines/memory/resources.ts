import { matchesEntityFilter } from '@portalkit/catalog-model';
import type { EntityFilter } from '@portalkit/catalog-model';
import type { DocumentAuthorization } from '../../types.js';

/**
 * The facts of every resource documents refer to (`authorization.resourceRef`), with how many
 * documents refer to each: facts of a ref no document refers to any more are dropped.
 */
export interface ResourceFacts {
  /** Replace the facts of `ref`. */
  set(ref: string, facts: NonNullable<DocumentAuthorization['facts']>): void;
  /** One more document refers to `ref`. */
  retain(ref: string): void;
  /** One document less refers to `ref`. */
  release(ref: string): void;
  /** Whether the resource's facts exist and match `filter` (no facts: false, so unknown is hidden). */
  matches(ref: string | undefined, filter: EntityFilter): boolean;
}

/** An empty {@link ResourceFacts}. */
export function createResourceFacts(): ResourceFacts {
  const facts = new Map<string, Map<string, Array<string | null>>>();
  const counts = new Map<string, number>();
  return {
    set(ref, given) {
      facts.set(ref, new Map(Object.entries(given)));
    },
    retain(ref) {
      counts.set(ref, (counts.get(ref) ?? 0) + 1);
    },
    release(ref) {
      const n = (counts.get(ref) ?? 0) - 1;
      if (n > 0) {
        counts.set(ref, n);
      } else {
        counts.delete(ref);
        facts.delete(ref);
      }
    },
    matches(ref, filter) {
      const known = ref === undefined ? undefined : facts.get(ref);
      return known !== undefined && matchesEntityFilter(filter, (key) => known.get(key));
    },
  };
}
