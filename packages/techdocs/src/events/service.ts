import { createServiceRef } from '@portalkit/core';

/**
 * What other plugins read of a started TechDocs: its published files (a site's
 * `search/search_index.json`). `@portalkit/techdocs`'s `TechDocs` is one.
 * @example
 * ```ts
 * declare const docs: TechDocsSites;
 * const index = await docs.publisher.readFile(entity, 'search/search_index.json');
 * ```
 */
export interface TechDocsSites {
  publisher: {
    readFile(
      entity: { kind: string; metadata: { name: string; namespace?: string } },
      filePath: string,
    ): Promise<{ content: Buffer; contentType: string }>;
  };
}

/**
 * Where a started portal's TechDocs is found: `techdocsPlugin()` provides it, and
 * `searchPlugin()` without options indexes its sites. In this entry point so a consumer does
 * not load the docs pipeline to find it.
 * @example
 * ```ts
 * const docs = context.services.find(techdocsServiceRef);
 * ```
 */
export const techdocsServiceRef = createServiceRef<TechDocsSites>({ id: 'techdocs', providedBy: 'techdocsPlugin()' });
