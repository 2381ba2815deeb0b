import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@portalkit/core';
import { docsEntityName, docsEntityRef } from '../entity.js';
import { CACHE_FILE_NAME } from '../generate/cache.js';
import { safeRelativePath } from '../paths.js';
import type { TechDocsMetadata } from '../types.js';
import { contentTypeFor } from './content-type.js';
import type { DocsEntityLike, DocsPublisher } from './types.js';

/**
 * A {@link DocsPublisher} keeping sites in memory: for tests and short-lived processes.
 *
 * @example
 * ```ts
 * const publisher = memoryPublisher();
 * await publisher.publish({ entity, directory: './site' });
 * await publisher.hasDocsBeenGenerated(entity); // true
 * ```
 */
export function memoryPublisher(): DocsPublisher {
  const sites = new Map<string, Map<string, Buffer>>();
  const key = (entity: DocsEntityLike) => docsEntityRef(docsEntityName(entity));
  const missing = (entity: DocsEntityLike, what: string) => new NotFoundError(`no ${what} in the docs of ${key(entity)}`);
  return {
    async publish({ entity, directory }) {
      const files = new Map<string, Buffer>();
      const walk = async (rel: string) => {
        for (const entry of await readdir(path.join(directory, rel), { withFileTypes: true })) {
          const child = rel ? `${rel}/${entry.name}` : entry.name;
          if (entry.isDirectory()) await walk(child);
          else if (entry.isFile() && entry.name !== CACHE_FILE_NAME) {
            files.set(child, await readFile(path.join(directory, child)));
          }
        }
      };
      await walk('');
      sites.set(key(entity), files);
      return { objects: [...files.keys()].sort() };
    },
    async hasDocsBeenGenerated(entity) {
      return sites.get(key(entity))?.has('techdocs_metadata.json') ?? false;
    },
    async fetchTechDocsMetadata(entity) {
      const content = sites.get(key(entity))?.get('techdocs_metadata.json');
      if (!content) throw missing(entity, 'techdocs metadata');
      try {
        return JSON.parse(content.toString('utf8')) as TechDocsMetadata;
      } catch (error) {
        throw new InputError(`techdocs metadata of ${key(entity)} is unreadable`, { cause: error });
      }
    },
    async readFile(entity, filePath) {
      const rel = safeRelativePath(filePath, { decoded: true });
      const content = sites.get(key(entity))?.get(rel);
      if (!content) throw missing(entity, `file '${rel}'`);
      return { content, contentType: contentTypeFor(rel) };
    },
    async deleteDocs(entity) {
      sites.delete(key(entity));
    },
  };
}
