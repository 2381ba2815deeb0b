import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@portalkit/core';
import { docsEntityName, docsEntityRef } from '../entity.js';
import { safeRelativePath } from '../paths.js';
import type { TechDocsMetadata } from '../types.js';
import { contentTypeFor } from './content-type.js';
import { siteFiles } from './site-files.js';
import type { DocsEntityLike, DocsPublisher } from './types.js';
import { VERSIONS_DIR, docsVersionSchema, versionFolder } from './versions.js';

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
  // Per entity, every file by its path in the site; a version's files are below `.versions/<v>/`.
  const sites = new Map<string, Map<string, Buffer>>();
  const key = (entity: DocsEntityLike) => docsEntityRef(docsEntityName(entity));
  const prefix = (version: string | undefined) => (version === undefined ? '' : `${versionFolder(version)}/`);
  const missing = (entity: DocsEntityLike, what: string) => new NotFoundError(`no ${what} in the docs of ${key(entity)}`);
  const dropUnder = (files: Map<string, Buffer>, keep: (file: string) => boolean) => {
    for (const file of [...files.keys()]) if (!keep(file)) files.delete(file);
  };
  return {
    async publish({ entity, directory, version }) {
      const under = prefix(version);
      const fresh = new Map<string, Buffer>();
      const listed = (await siteFiles(directory)).filter((f) => !f.startsWith(`${VERSIONS_DIR}/`));
      for (const file of listed) fresh.set(under + file, await readFile(path.join(directory, file)));
      const files = sites.get(key(entity)) ?? new Map<string, Buffer>();
      // A version replaces only itself; the default site replaces everything but the versions.
      dropUnder(files, (file) => (version === undefined ? file.startsWith(`${VERSIONS_DIR}/`) : !file.startsWith(under)));
      for (const [file, content] of fresh) files.set(file, content);
      sites.set(key(entity), files);
      return { objects: listed };
    },
    async hasDocsBeenGenerated(entity, { version } = {}) {
      return sites.get(key(entity))?.has(`${prefix(version)}techdocs_metadata.json`) ?? false;
    },
    async fetchTechDocsMetadata(entity, { version } = {}) {
      const content = sites.get(key(entity))?.get(`${prefix(version)}techdocs_metadata.json`);
      if (!content) throw missing(entity, `techdocs metadata${version === undefined ? '' : ` of version ${version}`}`);
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
    async deleteDocs(entity, { version } = {}) {
      if (version === undefined) {
        sites.delete(key(entity));
        return;
      }
      const files = sites.get(key(entity));
      if (files) dropUnder(files, (file) => !file.startsWith(prefix(version)));
    },
    async listVersions(entity) {
      const names = new Set<string>();
      for (const file of sites.get(key(entity))?.keys() ?? []) {
        const match = /^\.versions\/([^/]+)\/techdocs_metadata\.json$/.exec(file);
        if (match?.[1] && docsVersionSchema.safeParse(match[1]).success) names.add(match[1]);
      }
      return [...names].sort();
    },
  };
}
