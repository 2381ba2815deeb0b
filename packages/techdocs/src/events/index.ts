import { z } from 'zod';
import { docsVersionSchema } from '../publish/versions.js';

/*
 * TechDocs' event topics: TechDocs owns them, search (or any host code) consumes them by parsing
 * with these schemas. Kept in their own entry point (`@portalkit/techdocs/events`, zod only) so a
 * consumer does not load the docs pipeline to read a payload.
 */

/**
 * Topic names TechDocs publishes on the portal's event bus.
 *
 * @example
 * ```ts
 * events.subscribe(TECHDOCS_TOPICS.siteBuilt, (payload) => index(techdocsSiteBuiltEvent.parse(payload)));
 * ```
 */
export const TECHDOCS_TOPICS = {
  /** An entity's docs were built and published. Payload: {@link TechDocsSiteBuiltEvent}. */
  siteBuilt: 'techdocs.site.built',
} as const;

/**
 * One entry of MkDocs' `search/search_index.json`: a page (`guide/`) or a section of it
 * (`guide/#install`). Missing titles and texts read as empty.
 *
 * @example
 * ```ts
 * const entry = mkdocsSearchEntrySchema.parse({ location: 'guide/#install', title: 'Install', text: 'Run it.' });
 * ```
 */
export const mkdocsSearchEntrySchema = z.looseObject({
  location: z.string(),
  title: z.string().default(''),
  text: z.string().default(''),
});

/**
 * Payload of `techdocs.site.built`: the entity whose docs were published and the site's MkDocs
 * search index. `searchIndex.docs` is read entry by entry with {@link mkdocsSearchEntrySchema}, so
 * one malformed entry (from a hand-written or foreign index) costs that entry only.
 *
 * @example
 * ```ts
 * const parsed = techdocsSiteBuiltEvent.safeParse(payload);
 * if (parsed.success) reindex(parsed.data.entityRef, parsed.data.searchIndex.docs);
 * ```
 */
export const techdocsSiteBuiltEvent = z.object({
  /** `kind:namespace/name` of the documented entity, lower-cased. */
  entityRef: z.string().min(1),
  /** The documented entity, as TechDocs was given it (its title, owner and lifecycle are useful to readers). */
  entity: z
    .looseObject({
      apiVersion: z.string().optional(),
      kind: z.string().min(1),
      metadata: z.looseObject({
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
        title: z.string().optional(),
      }),
      spec: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  /** MkDocs' `search/search_index.json` of the published site. */
  searchIndex: z.object({ config: z.unknown().optional(), docs: z.array(z.unknown()) }),
  /** The named version built (see `docsVersionSchema`); absent for the default (latest) site. */
  version: docsVersionSchema.optional(),
});

/**
 * What `techdocs.site.built` carries (inferred from {@link techdocsSiteBuiltEvent}).
 *
 * @example
 * ```ts
 * const event: TechDocsSiteBuiltEvent = { entityRef: 'component:default/svc', searchIndex: { docs: [] } };
 * ```
 */
export type TechDocsSiteBuiltEvent = z.infer<typeof techdocsSiteBuiltEvent>;

/**
 * TechDocs' events by topic: a map to type an `EventBus` with.
 *
 * @example
 * ```ts
 * const events = createEventBus<TechDocsEvents>();
 * ```
 */
export interface TechDocsEvents extends Record<string, unknown> {
  'techdocs.site.built': TechDocsSiteBuiltEvent;
}
export { techdocsServiceRef } from './service.js';
export type { TechDocsSites } from './service.js';
