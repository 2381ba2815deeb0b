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
  /** Store a generated site (the output dir of `buildDocs`), replacing the entity's previous one. */
  publish(request: { entity: DocsEntityLike; directory: string }): Promise<{ objects: string[] }>;
  /** True when the entity has a site with `techdocs_metadata.json`. */
  hasDocsBeenGenerated(entity: DocsEntityLike): Promise<boolean>;
  /** The site's `techdocs_metadata.json`; `NotFoundError` when there is none. */
  fetchTechDocsMetadata(entity: DocsEntityLike): Promise<TechDocsMetadata>;
  /** One file of the site by relative path; `NotFoundError` when missing, `NotAllowedError` for escapes. */
  readFile(entity: DocsEntityLike, filePath: string): Promise<PublishedFile>;
  /** Remove the entity's site. */
  deleteDocs?(entity: DocsEntityLike): Promise<void>;
}
