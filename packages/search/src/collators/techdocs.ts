import { InputError } from '@portalkit/core';
import { z } from 'zod';
import type { SearchDocument } from '../types.js';
import { entityNameOf, parseEntity, parseEntityRef, stringifyEntityName } from './entity.js';
import type { SearchableEntity } from './entity.js';
import type { Collator } from './types.js';

/**
 * An MkDocs search index (`site/search/search_index.json`): one entry per page (`location: 'page/'`)
 * and per section (`location: 'page/#section'`).
 *
 * @example
 * ```ts
 * const index: MkDocsSearchIndex = { config: { lang: ['en'] }, docs: [{ location: 'install/#npm', title: 'npm', text: 'Run npm i' }] };
 * ```
 */
export interface MkDocsSearchIndex {
  config?: unknown;
  docs: Array<{ location: string; title: string; text: string }>;
}

/**
 * One built docs site: the entity it documents and its search index. `entity`, when given, adds
 * its title, owner and lifecycle to the documents.
 *
 * @example
 * ```ts
 * const site: TechDocsSite = { entityRef: 'component:default/foo', searchIndex: JSON.parse(await readFile('site/search/search_index.json', 'utf8')) };
 * ```
 */
export interface TechDocsSite {
  entityRef: string;
  searchIndex: MkDocsSearchIndex;
  entity?: SearchableEntity;
}

/**
 * Options of {@link techdocsCollator}.
 *
 * @example
 * ```ts
 * techdocsCollator({ sites: listBuiltSites, topics: { built: 'docs.published' } });
 * ```
 */
export interface TechDocsCollatorOptions {
  /** Every built site; called on every full rebuild. */
  sites: () => AsyncIterable<TechDocsSite> | Iterable<TechDocsSite> | Promise<Iterable<TechDocsSite>>;
  /** Document type; default `techdocs` (Backstage's). */
  type?: string;
  /**
   * Event topics: `built` carries a {@link TechDocsSite} (`{ entityRef, searchIndex, entity? }`) and
   * replaces that site's documents; `entityDeleted` carries `{ entityRef }` and removes them.
   * Defaults `techdocs.site.built` and `catalog.entity.deleted`.
   */
  topics?: { built?: string; entityDeleted?: string };
}

const entrySchema = z.object({
  location: z.string(),
  title: z.string().default(''),
  text: z.string().default(''),
});
const siteSchema = z.object({
  entityRef: z.string().min(1),
  searchIndex: z.object({ config: z.unknown().optional(), docs: z.array(z.unknown()) }),
  entity: z.unknown().optional(),
});
const deletedPayload = z.object({ entityRef: z.string().min(1) });

/**
 * The search documents of one docs site: one per section (location with its `#anchor`), plus one per
 * page that has no sections. MkDocs' page entry repeats the text of all its sections, so indexing it
 * too would return every match twice. Locations are `/docs/<namespace>/<kind>/<name>/<page>/#<section>`.
 *
 * @example
 * ```ts
 * siteToDocuments({ entityRef: 'component:default/foo', searchIndex: { docs: [{ location: 'page/#section', title: 'Section', text: '...' }] } })[0]?.location;
 * // '/docs/default/component/foo/page/#section'
 * ```
 */
export function siteToDocuments(site: TechDocsSite, type = 'techdocs'): SearchDocument[] {
  const parsed = siteSchema.safeParse(site);
  if (!parsed.success) {
    throw new InputError('Invalid docs site: expected { entityRef, searchIndex: { docs: [...] } }');
  }
  const ref = parseEntityRef(parsed.data.entityRef);
  const entity = parsed.data.entity === undefined ? undefined : parseEntity(parsed.data.entity);
  if (entity && stringifyEntityName(entityNameOf(entity)) !== stringifyEntityName(ref)) {
    throw new InputError(`Invalid docs site: entity does not match entityRef '${parsed.data.entityRef}'`);
  }
  const base = `/docs/${[ref.namespace, ref.kind, ref.name].map(encodeURIComponent).join('/')}/`;
  const entries = parsed.data.searchIndex.docs.flatMap((raw) => {
    const entry = entrySchema.safeParse(raw);
    return entry.success ? [entry.data] : [];
  });
  const pagesWithSections = new Set(entries.filter((e) => e.location.includes('#')).map((e) => pageOf(e.location)));

  const spec = entity?.spec ?? {};
  const fields: Record<string, unknown> = {
    entityRef: stringifyEntityName(ref),
    kind: entity?.kind ?? ref.kind,
    namespace: entity?.metadata.namespace ?? ref.namespace,
    name: entity?.metadata.name ?? ref.name,
  };
  if (entity) fields.entityTitle = entity.metadata.title ?? entity.metadata.name;
  if (typeof spec.owner === 'string') fields.owner = spec.owner;
  if (typeof spec.lifecycle === 'string') fields.lifecycle = spec.lifecycle;

  const docs = new Map<string, SearchDocument>();
  for (const entry of entries) {
    const isPage = !entry.location.includes('#');
    if (isPage && pagesWithSections.has(pageOf(entry.location))) continue;
    const path = entry.location.replace(/^(\.?\/)+/, '');
    const location = base + path;
    docs.set(location, { type, title: entry.title, text: entry.text, location, path, ...fields });
  }
  return [...docs.values()];
}

function pageOf(location: string): string {
  return location.split('#')[0]!.replace(/^(\.?\/)+/, '');
}

/**
 * Collates TechDocs search indexes: every site on rebuild, one site per `built` event (its old
 * documents are replaced, so removed pages disappear), and a deleted entity's docs are removed.
 *
 * @example
 * ```ts
 * const collator = techdocsCollator({
 *   async *sites() {
 *     yield { entityRef: 'component:default/foo', searchIndex: JSON.parse(await readFile('site/search/search_index.json', 'utf8')) };
 *   },
 * });
 * ```
 */
export function techdocsCollator(options: TechDocsCollatorOptions): Collator {
  if (typeof options?.sites !== 'function') {
    throw new InputError('techdocsCollator: sites must be a function returning built sites');
  }
  const type = options.type ?? 'techdocs';
  const built = options.topics?.built ?? 'techdocs.site.built';
  const entityDeleted = options.topics?.entityDeleted ?? 'catalog.entity.deleted';

  return {
    type,
    topics: [built, entityDeleted],
    async *collect(context) {
      for await (const site of await options.sites()) {
        try {
          yield* siteToDocuments(site, type);
        } catch (error) {
          context.reportError(error);
        }
      }
    },
    update(topic, payload) {
      if (topic === built) {
        const docs = siteToDocuments(payload as TechDocsSite, type);
        const entityRef = stringifyEntityName(parseEntityRef((payload as TechDocsSite).entityRef));
        return { remove: { filters: { entityRef } }, upsert: docs };
      }
      if (topic === entityDeleted) {
        const parsed = deletedPayload.safeParse(payload);
        if (!parsed.success) throw new InputError(`Invalid ${topic} payload: expected { entityRef }`);
        return { remove: { filters: { entityRef: stringifyEntityName(parseEntityRef(parsed.data.entityRef)) } } };
      }
      return undefined;
    },
  };
}
