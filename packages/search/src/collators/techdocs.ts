import { InputError } from '@portalkit/core';
import { CATALOG_TOPICS, catalogEntityDeletedEvent, catalogEntityReadPermission, stringifyEntityRef } from '@portalkit/catalog-model';
import { TECHDOCS_TOPICS, mkdocsSearchEntrySchema, techdocsSiteBuiltEvent } from '@portalkit/techdocs/events';
import type { TechDocsSiteBuiltEvent } from '@portalkit/techdocs/events';
import type { SearchDocument } from '../types.js';
import { payloadError, refKey } from './entity.js';
import type { Collator, CollatorUpdate } from './types.js';

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
 * its title, owner and lifecycle to the documents. The same shape as TechDocs'
 * `techdocs.site.built` payload (`TechDocsSiteBuiltEvent` of `@portalkit/techdocs`).
 *
 * @example
 * ```ts
 * const site: TechDocsSite = { entityRef: 'component:default/foo', searchIndex: JSON.parse(await readFile('site/search/search_index.json', 'utf8')) };
 * ```
 */
export type TechDocsSite = TechDocsSiteBuiltEvent;

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
   * Event topics: `built` (default TechDocs' `techdocs.site.built`) replaces that site's
   * documents; `entityDeleted` (default the catalog's `catalog.entity.deleted`) removes them.
   * Payloads are parsed with their producers' schemas: `techdocsSiteBuiltEvent` of
   * `@portalkit/techdocs` and `catalogEntityDeletedEvent` of `@portalkit/catalog-model`.
   */
  topics?: { built?: string; entityDeleted?: string };
}

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
  const parsed = techdocsSiteBuiltEvent.safeParse(site);
  if (!parsed.success) {
    throw new InputError('Invalid docs site: expected { entityRef, searchIndex: { docs: [...] } }');
  }
  const key = refKey(parsed.data.entityRef);
  const [kind, namespace, name] = splitKey(key);
  const entity = parsed.data.entity;
  if (entity && stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name }) !== key) {
    throw new InputError(`Invalid docs site: entity does not match entityRef '${parsed.data.entityRef}'`);
  }
  const version = parsed.data.version;
  // A named version is served below `.versions/<version>/` of the site (TechDocs' layout).
  const base = `/docs/${[namespace, kind, name].map(encodeURIComponent).join('/')}/${version === undefined ? '' : `.versions/${encodeURIComponent(version)}/`}`;
  // One malformed entry costs that entry only.
  const entries = parsed.data.searchIndex.docs.flatMap((raw) => {
    const entry = mkdocsSearchEntrySchema.safeParse(raw);
    return entry.success ? [entry.data] : [];
  });
  const pagesWithSections = new Set(entries.filter((e) => e.location.includes('#')).map((e) => pageOf(e.location)));

  const spec = entity?.spec ?? {};
  const fields: Record<string, unknown> = {
    // Readable by whoever may read the entity; its facts come from the catalog collator.
    authorization: { resourceRef: key },
    entityRef: key,
    kind: entity?.kind ?? kind,
    namespace: entity?.metadata.namespace ?? namespace,
    name: entity?.metadata.name ?? name,
    // Every document names its version, so one version's rebuild replaces only its own.
    version: version ?? 'latest',
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

/** `kind:namespace/name` (a lower-cased key from `refKey`) into its parts; a name may hold `:` or `/`. */
function splitKey(key: string): [string, string, string] {
  const colon = key.indexOf(':');
  const slash = key.indexOf('/', colon);
  return [key.slice(0, colon), key.slice(colon + 1, slash), key.slice(slash + 1)];
}

function pageOf(location: string): string {
  return location.split('#')[0]!.replace(/^(\.?\/)+/, '');
}

/**
 * Collates TechDocs search indexes: every site on rebuild, one site per `built` event (its old
 * documents are replaced, so removed pages disappear), and a deleted entity's docs are removed.
 * A principal sees an entity's docs when allowed `catalog.entity.read` on the entity; conditions
 * are judged on the entity's facts as the catalog collator last indexed them, so under a
 * conditional policy docs of entities the catalog collator does not index stay hidden.
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
  const built = options.topics?.built ?? TECHDOCS_TOPICS.siteBuilt;
  const entityDeleted = options.topics?.entityDeleted ?? CATALOG_TOPICS.entityDeleted;

  return {
    type,
    visibilityPermission: catalogEntityReadPermission,
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
      // A payload that does not match its producer's schema throws; search logs and skips it.
      if (topic === built) {
        const docs = siteToDocuments(payload as TechDocsSite, type);
        const version = (payload as TechDocsSite).version ?? 'latest';
        const update: CollatorUpdate = { remove: { filters: { entityRef: refKey((payload as TechDocsSite).entityRef), version } }, upsert: docs };
        return update;
      }
      if (topic === entityDeleted) {
        const parsed = catalogEntityDeletedEvent.safeParse(payload);
        if (!parsed.success) throw payloadError(topic, parsed.error);
        return { remove: { filters: { entityRef: refKey(parsed.data.entityRef) } } };
      }
      return undefined;
    },
  };
}
