import type { DocsEntityName, TechDocsEntity, TechDocsMetadata } from '../types.js';

/** An entity, or just its namespace/kind/name (matched case-insensitively, like Backstage). */
export type DocsEntityLike = TechDocsEntity | DocsEntityName;

/** A file read back from a publisher. */
export interface PublishedFile {
  content: Buffer;
  contentType: string;
}

/**
 * Where generated sites are stored and served from. Implement it for object storage; this
 * package ships {@link localPublisher} and {@link memoryPublisher}.
 *
 * @example
 * ```ts
 * const publisher: DocsPublisher = localPublisher({ root: './published-docs' });
 * await publisher.publish({ entity, directory: './site' });
 * const { content, contentType } = await publisher.readFile(entity, 'index.html');
 * ```
 */
export interface DocsPublisher {
  /**
   * Store a generated site (the output dir of `buildDocs`), replacing the entity's previous one.
   * With `version`, it replaces only that named version (kept below `.versions/<version>/` of
   * the site); publishing the default site keeps every version.
   */
  publish(request: PublishRequest): Promise<{ objects: string[] }>;
  /** True when the entity has a site (or the named version) with `techdocs_metadata.json`. */
  hasDocsBeenGenerated(entity: DocsEntityLike, options?: VersionOption): Promise<boolean>;
  /** The site's (or version's) `techdocs_metadata.json`; `NotFoundError` when there is none. */
  fetchTechDocsMetadata(entity: DocsEntityLike, options?: VersionOption): Promise<TechDocsMetadata>;
  /**
   * One file of the site by relative path (a version's files are at `.versions/<version>/...`);
   * `NotFoundError` when missing, `NotAllowedError` for escapes.
   */
  readFile(entity: DocsEntityLike, filePath: string): Promise<PublishedFile>;
  /** Remove the entity's site with all its versions, or only the named version. */
  deleteDocs?(entity: DocsEntityLike, options?: VersionOption): Promise<void>;
  /** The named versions published for the entity (those with metadata), sorted. */
  listVersions?(entity: DocsEntityLike): Promise<string[]>;
}

/**
 * What {@link DocsPublisher.publish} stores.
 *
 * @example
 * ```ts
 * const request: PublishRequest = { entity, directory: './site', version: 'v1.2.0' };
 * ```
 */
export interface PublishRequest {
  entity: DocsEntityLike;
  /** The output directory of a build. */
  directory: string;
  /** A named version (see `docsVersionSchema`); without it, the default (latest) site. */
  version?: string;
}

/** Selects a named version of a site; without `version`, the default (latest) site. */
export interface VersionOption {
  version?: string;
}
