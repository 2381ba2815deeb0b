import type { Permission } from '@portalkit/core';
import type { DocumentSelector, SearchDocument } from '../types.js';

/**
 * What a collator is given while collecting: a place to report a problem with one item (an entity
 * without a name, a broken search index) so collection carries on with its neighbours.
 *
 * @example
 * ```ts
 * async function* collect(context: CollatorContext) {
 *   context.reportError(new InputError('site component:default/x has no docs array'));
 * }
 * ```
 */
export interface CollatorContext {
  reportError(error: unknown): void;
}

/**
 * How one event changes a collator's documents: first `remove`, then `upsert`. Documents are all of
 * the collator's `type`.
 *
 * @example
 * ```ts
 * const update: CollatorUpdate = { remove: { filters: { entityRef: 'component:default/foo' } }, upsert: [doc] };
 * ```
 */
export interface CollatorUpdate {
  remove?: DocumentSelector;
  upsert?: SearchDocument[];
}

/**
 * A source of search documents of one `type`. `collect()` yields them all (for a full rebuild); the
 * optional incremental hooks say which event-bus topics the collator understands and turn one event
 * into the documents to remove and upsert, so a change re-indexes only what it touched.
 *
 * @example
 * ```ts
 * const faq: Collator = {
 *   type: 'faq',
 *   async *collect() {
 *     yield { type: 'faq', title: 'How do I deploy?', text: 'Merge to main.', location: '/faq#deploy' };
 *   },
 *   topics: ['faq.changed'],
 *   update: (_topic, payload) => ({ upsert: [payload as SearchDocument] }),
 * };
 * ```
 */
export interface Collator {
  readonly type: string;
  /**
   * What a principal needs to see this type's documents, as Backstage's `visibilityPermission`:
   * DENY hides the type, CONDITIONAL (on catalog entities) shows the documents whose
   * `authorization.resourceRef` resource matches. Absent: every principal sees every document.
   */
  readonly visibilityPermission?: Permission;
  collect(context: CollatorContext): AsyncIterable<SearchDocument>;
  /** Event-bus topics `update` handles. */
  readonly topics?: readonly string[];
  /**
   * The change an event makes, or undefined when it makes none. Throw an `InputError` for a payload
   * of the wrong shape; it is logged and the event skipped.
   */
  update?(topic: string, payload: unknown): CollatorUpdate | undefined | Promise<CollatorUpdate | undefined>;
}
