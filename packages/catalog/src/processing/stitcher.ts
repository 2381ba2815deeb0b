import { hash } from 'node:crypto';
import { ANNOTATION_ORPHAN } from '@portalkit/catalog-model';
import type { Entity, EntityRelation } from '@portalkit/catalog-model';
import type { FinalEntityRow, ProcessingError } from '../stores/types.js';

/** Backstage's status item type for processing problems. */
export const ENTITY_STATUS_CATALOG_PROCESSING_TYPE = 'backstage.io/catalog-processing';

/**
 * A stable uid for a ref: the same ref always gets the same uid (a UUID-shaped sha256), so
 * uids survive restarts, re-ingestion and other stores.
 *
 * @example
 * ```ts
 * uidForRef('component:default/a') === uidForRef('component:default/a'); // true
 * ```
 */
export function uidForRef(ref: string): string {
  // One-shot hash(): no Hash object per call (it runs for every entity of every commit).
  const h = hash('sha256', `portalkit:${ref}`, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the stitcher needs of a refresh state. */
export interface StitchInput {
  entityRef: string;
  processed: Entity;
  errors: readonly ProcessingError[];
  orphan: boolean;
  /** The uid already stored for `entityRef` (saves hashing the ref again); it is {@link uidForRef}'s. */
  uid?: string;
}

/**
 * Build the final entity served to readers: the processed entity plus `metadata.uid`,
 * `metadata.etag` (a content hash), sorted de-duplicated `relations`, `status.items` for
 * processing errors, and `backstage.io/orphan: 'true'` when nothing emits it any more.
 *
 * @example
 * ```ts
 * const row = stitchEntity({ entityRef, processed, errors: [], orphan: false }, [{ type: 'ownedBy', targetRef: 'group:default/a' }]);
 * ```
 */
export function stitchEntity(input: StitchInput, relations: readonly EntityRelation[]): FinalEntityRow {
  const { processed } = input;
  const uid = input.uid ?? uidForRef(input.entityRef);
  const sorted: EntityRelation[] = [];
  let last: EntityRelation | undefined;
  // Sorted, so duplicates are neighbours.
  for (const r of [...relations].sort((a, b) => cmp(a.type, b.type) || cmp(a.targetRef, b.targetRef))) {
    if (last && last.type === r.type && last.targetRef === r.targetRef) continue;
    sorted.push((last = { type: r.type, targetRef: r.targetRef }));
  }
  // The processed entity's annotations are shared when they already say what the orphan flag
  // says: stores never hand out their objects for mutation (readers get copies).
  const current = processed.metadata.annotations;
  let annotations: Record<string, string>;
  if (current && (input.orphan ? current[ANNOTATION_ORPHAN] === 'true' : !(ANNOTATION_ORPHAN in current))) annotations = current;
  else {
    annotations = { ...(current ?? {}) };
    if (input.orphan) annotations[ANNOTATION_ORPHAN] = 'true';
    else delete annotations[ANNOTATION_ORPHAN];
  }
  const { uid: _u, etag: _e, ...metadata } = processed.metadata as Entity['metadata'] & { uid?: string; etag?: string };
  const entity: Entity = {
    apiVersion: processed.apiVersion,
    kind: processed.kind,
    metadata: { ...metadata, annotations, uid } as Entity['metadata'],
    ...(processed.spec !== undefined ? { spec: processed.spec } : {}),
    relations: sorted,
  };
  if (input.errors.length) {
    entity.status = {
      items: input.errors.map((e) => ({
        type: ENTITY_STATUS_CATALOG_PROCESSING_TYPE,
        level: 'error' as const,
        message: `${e.name}: ${e.message}`,
        error: { name: e.name, message: e.message },
      })),
    };
  }
  const etag = hash('sha1', JSON.stringify(entity), 'hex');
  (entity.metadata as Record<string, unknown>).etag = etag;
  return { entityRef: input.entityRef, uid, etag, entity };
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}
